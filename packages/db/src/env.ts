// The only place in @mixcast/db that reads process.env. Every error names the variable.
import { z } from "zod";

const postgresUrl = (name: string) =>
  z
    .string({ error: `${name} is not set (expected postgresql://user:password@host:port/database)` })
    .trim()
    .min(1, `${name} is empty (expected postgresql://user:password@host:port/database)`)
    .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
      error: `${name} must be a PostgreSQL URL like postgresql://user:password@host:port/database`,
    });

export const databaseUrlSchema = postgresUrl("DATABASE_URL");
export const testDatabaseUrlSchema = postgresUrl("TEST_DATABASE_URL");
export const appDatabaseUrlSchema = postgresUrl("APP_DATABASE_URL");

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? error.message;
}

/** DATABASE_URL, validated. Throws an Error whose message names DATABASE_URL. */
export function databaseUrl(source: NodeJS.ProcessEnv = process.env): string {
  const parsed = databaseUrlSchema.safeParse(source.DATABASE_URL);
  if (!parsed.success) throw new Error(firstIssue(parsed.error));
  return parsed.data;
}

/** DATABASE_URL when set (validated), otherwise undefined. */
export function optionalDatabaseUrl(source: NodeJS.ProcessEnv = process.env): string | undefined {
  return source.DATABASE_URL === undefined || source.DATABASE_URL === "" ? undefined : databaseUrl(source);
}

/** TEST_DATABASE_URL when set (validated): a server on which tests may create databases. */
export function testDatabaseUrl(source: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = source.TEST_DATABASE_URL;
  if (raw === undefined || raw === "") return undefined;
  const parsed = testDatabaseUrlSchema.safeParse(raw);
  if (!parsed.success) throw new Error(firstIssue(parsed.error));
  return parsed.data;
}

export const isProduction = (source: NodeJS.ProcessEnv = process.env): boolean =>
  source.NODE_ENV === "production";
