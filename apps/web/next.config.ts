import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages are TypeScript source; Next compiles them with the app.
  transpilePackages: ["@mixcast/ui", "@mixcast/core", "@mixcast/db"],
  typedRoutes: false,
  poweredByHeader: false,
};

export default config;
