// Fixed-window request counter in PostgreSQL, so every web process shares one budget per key.
// One upsert per request: INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count.
import type { PrismaExecutor } from "@mixcast/db";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends. */
  resetAt: Date;
}

export async function consumeRateLimit(
  db: PrismaExecutor,
  key: string,
  options: { limit: number; windowMs: number; now?: Date },
): Promise<RateLimitResult> {
  const now = options.now ?? new Date();
  const windowStart = new Date(Math.floor(now.getTime() / options.windowMs) * options.windowMs);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "ApiRateLimit" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "ApiRateLimit"."count" + 1
    RETURNING "count"`;
  const count = Number(rows[0]?.count ?? 1);
  if (count === 1) {
    // First request of a window: drop this key's finished windows (keeps the table small).
    await db.$executeRaw`DELETE FROM "ApiRateLimit" WHERE "key" = ${key} AND "windowStart" < ${windowStart}`;
  }
  return {
    allowed: count <= options.limit,
    limit: options.limit,
    remaining: Math.max(0, options.limit - count),
    resetAt: new Date(windowStart.getTime() + options.windowMs),
  };
}
