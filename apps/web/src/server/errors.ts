// Domain errors: what domain functions (server/<domain>/*.ts) throw when a request cannot be
// done. They know nothing of tRPC or HTTP; server/error-mapping.ts turns them (and database
// errors) into tRPC errors in one place.

/** Why a request failed, in the words the API answers with (see error-mapping.ts). */
export type DomainErrorCode =
  "BAD_REQUEST" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "TOO_MANY_REQUESTS" | "SERVICE_UNAVAILABLE";

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) =>
  new DomainError("NOT_FOUND", `${what} was not found in this workspace.`);
export const badRequest = (message: string) => new DomainError("BAD_REQUEST", message);
export const conflict = (message: string) => new DomainError("CONFLICT", message);
export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);
export const tooManyRequests = (message: string) => new DomainError("TOO_MANY_REQUESTS", message);
export const unavailable = (message: string) => new DomainError("SERVICE_UNAVAILABLE", message);
