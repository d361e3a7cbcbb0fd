// The one Prettier configuration of the monorepo (root package.json points here).
/** @type {import("prettier").Config} */
export default {
  printWidth: 110,
  singleQuote: false,
  trailingComma: "all",
  semi: true,
};
