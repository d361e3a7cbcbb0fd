// The one ESLint configuration of the monorepo. Each package's eslint.config.js calls
// `mixcastEslint(import.meta.dirname, { react, next })`.
//
// Rule set: ESLint's recommended rules and typescript-eslint's recommendedTypeChecked (rules
// that use the type checker: floating promises, unsafe `any` flows, misused promises...), plus
// react-hooks for React code and Next's own rules for the web app. Every rule that is turned off
// or relaxed below says why.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { defineConfig } from "eslint/config";

/** Files no package lints: build output, generated code, fixtures. */
export const ignores = [
  "**/node_modules/**",
  "**/.next/**",
  "**/.next-*/**",
  "**/.turbo/**",
  "**/dist/**",
  "**/coverage/**",
  "**/test-results/**",
  "**/playwright-report/**",
  "**/src/generated/**",
  "**/next-env.d.ts",
];

/**
 * @param {string} tsconfigRootDir the package directory (pass `import.meta.dirname`)
 * @param {{ react?: boolean, next?: boolean }} [options]
 */
export function mixcastEslint(tsconfigRootDir, options = {}) {
  return defineConfig(
    { ignores },
    { linterOptions: { reportUnusedDisableDirectives: "error" } },
    js.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        ecmaVersion: 2023,
        sourceType: "module",
        globals: { ...globals.node },
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        // `_name` marks a parameter or binding that is unused on purpose (callbacks, destructuring).
        "@typescript-eslint/no-unused-vars": [
          "error",
          {
            argsIgnorePattern: "^_",
            varsIgnorePattern: "^_",
            caughtErrorsIgnorePattern: "^_",
            ignoreRestSiblings: true,
          },
        ],
        // Numbers, booleans and null in template literals read fine in messages and labels; objects
        // (which print "[object Object]") and `any` stay errors.
        "@typescript-eslint/restrict-template-expressions": [
          "error",
          { allowNumber: true, allowBoolean: true, allowNullish: true },
        ],
        // `import type` where only types are used keeps the browser bundle free of node-only
        // modules that a type import would otherwise drag in.
        "@typescript-eslint/consistent-type-imports": [
          "error",
          { prefer: "type-imports", fixStyle: "inline-type-imports" },
        ],
        // Promise-returning handlers in JSX (onClick={async () => ...}) are React's documented
        // pattern; the check stays on for everything else (conditions, spreads, arguments).
        "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      },
    },
    {
      // Tests and their helpers read JSON fixtures (Stan reference vectors, CLI output) and use
      // vitest's asymmetric matchers (expect.any(), expect.stringMatching()), both typed `any`; the
      // assertions check those shapes, and a wrong access fails the test. Production code keeps
      // these rules.
      files: ["**/*.test.ts", "**/*.test.tsx", "**/test/**/*.ts", "**/testing/**/*.ts"],
      rules: {
        "@typescript-eslint/no-explicit-any": "off",
        "@typescript-eslint/no-unsafe-argument": "off",
        "@typescript-eslint/no-unsafe-assignment": "off",
        "@typescript-eslint/no-unsafe-call": "off",
        "@typescript-eslint/no-unsafe-member-access": "off",
        "@typescript-eslint/no-unsafe-return": "off",
      },
    },
    {
      // Plain JavaScript (config files, scripts): no type information.
      files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
      extends: [tseslint.configs.disableTypeChecked],
    },
    options.react
      ? {
          files: ["**/*.tsx", "**/*.ts"],
          plugins: { "react-hooks": reactHooks },
          languageOptions: { globals: { ...globals.browser } },
          rules: reactHooks.configs.recommended.rules,
        }
      : {},
    options.next
      ? {
          plugins: { "@next/next": nextPlugin },
          rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs["core-web-vitals"].rules },
        }
      : {},
  );
}
