// Interactive transactions with room for a loaded machine: Prisma's defaults (2 s to get a
// connection, 5 s to finish) fail claims under CPU contention, which would fail runs for no
// reason. Timeouts that still happen are classified transient by the worker and retried.
import type { PrismaClient, PrismaTransaction } from "@mixcast/db";

export const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

export function transaction<T>(prisma: PrismaClient, fn: (tx: PrismaTransaction) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, TX_OPTIONS);
}
