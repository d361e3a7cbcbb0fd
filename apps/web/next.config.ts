import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./src/lib/security-headers.ts";

const config: NextConfig = {
  // Workspace packages are TypeScript source; Next compiles them with the app.
  transpilePackages: ["@mixcast/ui", "@mixcast/core", "@mixcast/db", "@mixcast/notify", "@mixcast/runs"],
  // core's sampler starts worker threads through tsx at run time; never bundle tsx itself.
  // pdfkit reads its font metrics (AFM files) from its own folder at run time.
  serverExternalPackages: ["tsx", "pg-boss", "pdfkit"],
  typedRoutes: false,
  poweredByHeader: false,
  // On every response, API and static files included; pages also get a nonce CSP (src/proxy.ts).
  headers() {
    return Promise.resolve([{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }]);
  },
  // A separate build directory lets the e2e stack build while another `next build` uses .next.
  distDir: process.env.MIXCAST_NEXT_DIST_DIR || ".next",
};

export default config;
