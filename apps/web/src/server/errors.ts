import { TRPCError } from "@trpc/server";

export const notFound = (what: string) =>
  new TRPCError({ code: "NOT_FOUND", message: `${what} was not found in this workspace.` });
export const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });
export const conflict = (message: string) => new TRPCError({ code: "CONFLICT", message });
export const forbidden = (message: string) => new TRPCError({ code: "FORBIDDEN", message });
