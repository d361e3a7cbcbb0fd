import type { Metadata } from "next";
import type { ReactNode } from "react";
import "@fontsource-variable/inter";
import "./globals.css";
import { Providers } from "./providers.tsx";

export const metadata: Metadata = {
  title: { default: "Mixcast", template: "%s · Mixcast" },
  description: "Bayesian marketing mix modeling for social-first teams.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-bg font-sans text-fg antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
