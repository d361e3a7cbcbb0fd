// Root files only (scripts/, root configs, tooling/prettier): each workspace package under apps/,
// packages/ and tooling/eslint lints itself with its own eslint.config.js (`pnpm lint` runs all).
import { mixcastEslint } from "@mixcast/eslint-config";

export default [
  { ignores: ["apps/**", "packages/**", "tooling/eslint/**"] },
  ...mixcastEslint(import.meta.dirname),
];
