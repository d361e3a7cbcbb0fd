"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/root.ts";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Access errors will not fix themselves by retrying.
        retry: (count, error) => {
          const code = (error as { data?: { code?: string } }).data?.code;
          if (
            code === "FORBIDDEN" ||
            code === "UNAUTHORIZED" ||
            code === "NOT_FOUND" ||
            code === "BAD_REQUEST"
          )
            return false;
          return count < 2;
        },
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          // Large uploads go unbatched, so one CSV does not hold up other requests.
          condition: (op) => op.type === "mutation" || isNonJsonSerializable(op.input),
          true: httpLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** A tRPC/network error in plain words for an ErrorState or inline message. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    const data = (
      error as {
        data?: {
          code?: string;
          zodError?: { fieldErrors?: Record<string, string[]>; formErrors?: string[] };
        };
      }
    ).data;
    const fieldErrors = data?.zodError?.fieldErrors;
    if (fieldErrors) {
      const first = Object.entries(fieldErrors).find(([, v]) => v && v.length > 0);
      if (first) return `${first[0]}: ${first[1][0]}`;
    }
    if (error.message.startsWith("[") || error.message.startsWith("{"))
      return "The request was not valid. Check the form and try again.";
    if (error.message === "Failed to fetch")
      return "The server could not be reached. Check your connection and try again.";
    return error.message;
  }
  return "Something went wrong. Try again.";
}
