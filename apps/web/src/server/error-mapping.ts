// The one place where a failure becomes what a client sees. Domain errors keep their message;
// database errors that a user can cause (a duplicate name in a race, text with a NUL byte, a row
// deleted meanwhile) become clear 400/404/409 messages; anything else is a 500 whose message
// says nothing about the server (the cause is logged by the HTTP handler, never sent).
import { TRPCError } from "@trpc/server";
import { DomainError } from "./errors.ts";

export const INTERNAL_MESSAGE = "Something went wrong on the server. It was logged; please try again.";

/** What a duplicate in each table means to a user (Prisma model name -> message). */
const DUPLICATE_MESSAGES: Record<string, string> = {
  Dataset: "A dataset with this name already exists in this workspace. Choose another name.",
  Model: "A model with this name already exists in this workspace. Choose another name.",
  Campaign: "A campaign with this name already exists in this workspace. Choose another name.",
  Scenario: "A scenario with this name already exists in this campaign. Choose another name.",
  Membership: "This person is already a member of this workspace.",
  Workspace: "That workspace address is already taken. Choose another.",
  Invitation: "This invitation was just changed by someone else. Reload and try again.",
};

interface PrismaLikeError {
  name: string;
  code: string;
  meta?: {
    modelName?: string;
    driverAdapterError?: { cause?: { originalCode?: string; code?: string; table?: string } };
  };
}

function isPrismaError(e: unknown): e is PrismaLikeError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    /^Prisma/.test((e as { name?: string }).name ?? "")
  );
}

/** The PostgreSQL SQLSTATE behind a Prisma error, when the driver reported one. */
function sqlState(e: PrismaLikeError): string | undefined {
  const cause = e.meta?.driverAdapterError?.cause;
  return cause?.originalCode ?? cause?.code;
}

/** A client-safe TRPCError for a DomainError or database error, or null for anything else. */
function fromCause(cause: unknown): TRPCError | null {
  if (cause instanceof DomainError) return new TRPCError({ code: cause.code, message: cause.message });
  if (!isPrismaError(cause)) return null;
  const state = sqlState(cause);
  // 22021: invalid byte sequence (PostgreSQL text cannot hold NUL); 22P05: \u0000 in jsonb.
  if (state === "22021" || state === "22P05")
    return new TRPCError({
      code: "BAD_REQUEST",
      message: "Text cannot contain NUL (\\0) characters. Remove them and try again.",
    });
  if (cause.code === "P2002" || state === "23505") {
    const model = cause.meta?.modelName ?? cause.meta?.driverAdapterError?.cause?.table ?? "";
    return new TRPCError({
      code: "CONFLICT",
      message:
        DUPLICATE_MESSAGES[model] ??
        "This already exists (it may have just been created). Reload and try again.",
    });
  }
  if (cause.code === "P2025")
    return new TRPCError({
      code: "NOT_FOUND",
      message: "This was not found; it may have just been deleted. Reload and try again.",
    });
  // Serialization failure / deadlock / write conflict: the same request usually succeeds again.
  if (cause.code === "P2034" || state === "40001" || state === "40P01")
    return new TRPCError({
      code: "CONFLICT",
      message: "Someone else changed this at the same moment. Please try again.",
    });
  // 23503: a row this refers to was deleted meanwhile.
  if (cause.code === "P2003" || state === "23503")
    return new TRPCError({
      code: "CONFLICT",
      message: "Something this refers to was just deleted. Reload and try again.",
    });
  return null;
}

/**
 * The error a client may see for `error` (anything thrown by a procedure). TRPCErrors raised on
 * purpose (input validation, the access ladder) pass through; an INTERNAL_SERVER_ERROR gets a
 * generic message and keeps the original as `cause` for the server log.
 */
export function toClientError(error: unknown): TRPCError {
  const direct = fromCause(error);
  if (direct) return direct;
  if (error instanceof TRPCError) {
    const mapped = fromCause(error.cause);
    if (mapped) return mapped;
    if (error.code !== "INTERNAL_SERVER_ERROR") return error;
    return new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: INTERNAL_MESSAGE,
      cause: error.cause ?? error,
    });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE, cause: error });
}
