// Which failures are worth retrying. A fit is deterministic for a given seed, so an error from the
// engine or the data would only repeat; lost database connections and timeouts are transient.

/** The dataset or config cannot be fitted; the run fails at once, without retry. */
export class PermanentRunError extends Error {
  override name = "PermanentRunError";
}

const TRANSIENT_CODES = new Set([
  // node / pg socket errors
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections,
  // serialization failure, deadlock, connection exception class
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "40001",
  "40P01",
  "08000",
  "08003",
  "08006",
  "08001",
  "08004",
  // Prisma: can't reach server, timed out, server closed connection, pool timeout, tx conflict
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
  "P2034",
]);

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /can't reach database/i,
  /connection (?:refused|reset)/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (?:starting up|shutting down)/i,
  /too many clients/i,
  /server closed the connection/i,
  // interactive transaction timed out (CPU or lock contention)
  /transaction already closed/i,
  /unable to start a transaction in the given time/i,
  /transaction api error/i,
];

export function isTransientError(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== "object") return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errorCode?: unknown };
  for (const code of [e.code, e.errorCode])
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  if (typeof e.message === "string" && TRANSIENT_MESSAGES.some((re) => re.test(e.message as string)))
    return true;
  return isTransientError(e.cause, depth + 1);
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "AbortError" || (error as { code?: unknown }).code === "ABORT_ERR")
  );
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
