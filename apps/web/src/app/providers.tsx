"use client";
import type { ReactNode } from "react";
import { ToastProvider } from "@mixcast/ui";
import { TRPCReactProvider } from "@/trpc/client.tsx";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <TRPCReactProvider>
      <ToastProvider>{children}</ToastProvider>
    </TRPCReactProvider>
  );
}
