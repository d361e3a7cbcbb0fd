import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages are TypeScript source; Next compiles them with the app.
  transpilePackages: ["@mixcast/ui", "@mixcast/core", "@mixcast/db", "@mixcast/runs"],
  // core's sampler starts worker threads through tsx at run time; never bundle tsx itself.
  serverExternalPackages: ["tsx", "pg-boss"],
  typedRoutes: false,
  poweredByHeader: false,
  // A separate build directory lets the e2e stack build while another `next build` uses .next.
  distDir: process.env.MIXCAST_NEXT_DIST_DIR || ".next",
};

export default config;
