// Environment of `pnpm start` (the launcher, apps/stack), validated once with zod. Every message names
// its variable. (Lives here because the zero-setup start is this package's job.)
import { z } from "zod";
import { appDatabaseUrlSchema, databaseUrlSchema } from "./env.ts";

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`);

export const startEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.optional(),
  /** The non-owner role web and worker connect as (docs/operations.md); with DATABASE_URL only. */
  APP_DATABASE_URL: appDatabaseUrlSchema.optional(),
  BETTER_AUTH_SECRET: z
    .string()
    .min(32, "BETTER_AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)")
    .optional(),
  BETTER_AUTH_URL: z
    .string()
    .refine(
      (value) => /^https?:\/\/[^/]+/.test(value),
      "BETTER_AUTH_URL must be an http(s) URL like http://localhost:3000",
    )
    .optional(),
  PORT: port("PORT").default(3000),
  MIXCAST_PG_PORT: port("MIXCAST_PG_PORT").optional(),
});
export type StartEnv = z.infer<typeof startEnvSchema>;

export function parseStartEnv(source: NodeJS.ProcessEnv = process.env): StartEnv {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);
  const parsed = startEnvSchema.safeParse({
    DATABASE_URL: blank(source.DATABASE_URL),
    APP_DATABASE_URL: blank(source.APP_DATABASE_URL),
    BETTER_AUTH_SECRET: blank(source.BETTER_AUTH_SECRET),
    BETTER_AUTH_URL: blank(source.BETTER_AUTH_URL),
    PORT: blank(source.PORT),
    MIXCAST_PG_PORT: blank(source.MIXCAST_PG_PORT),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
    });
    throw new Error(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
