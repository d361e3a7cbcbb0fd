import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "@fontsource-variable/inter";
import { themeInitScript } from "@mixcast/ui/theme";
import "./globals.css";
import { Providers } from "./providers.tsx";

export const metadata: Metadata = {
  title: { default: "Mixcast", template: "%s · Mixcast" },
  description: "Bayesian marketing mix modeling for social-first teams.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The per-request CSP nonce from src/proxy.ts (reading headers also renders every page per
  // request, which a nonce needs).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The inline script sets class="light"/"dark" on <html> from the stored theme before first
    // paint (every page, sign-in included); React must not flag that class as a mismatch.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeInitScript }} />
      </head>
      <body className="min-h-screen bg-bg font-sans text-fg antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
