// The only place in apps/web that reads process.env (besides @mixcast/db's DATABASE_URL).
// Validated lazily, so `next build` works without runtime secrets; a missing variable fails the
// first request with its name in the message.
import { z } from "zod";
import { parseAllowedNetworks } from "@mixcast/notify";

const serverEnvSchema = z.object({
  BETTER_AUTH_SECRET: z
    .string({ error: "BETTER_AUTH_SECRET is not set (a random string of at least 32 characters)" })
    .min(32, "BETTER_AUTH_SECRET must be at least 32 characters"),
  BETTER_AUTH_URL: z
    .url({ error: "BETTER_AUTH_URL must be the app's public URL, e.g. http://localhost:3000" })
    .default("http://localhost:3000"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** "off" disables better-auth's rate limiter (e2e tests sign in many times from one IP). */
  MIXCAST_AUTH_RATE_LIMIT: z.enum(["on", "off"]).default("on"),
  /**
   * Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges, comma-separated).
   * Unset: none; the TCP peer is the client. Set it when Mixcast runs behind a reverse proxy.
   */
  TRUSTED_PROXIES: z.string().optional(),
  /** smtp(s)://user:pass@host:port: send verification and invitation mail. Unset: printed to the log. */
  SMTP_URL: z
    .url({ error: "SMTP_URL must be a URL like smtps://user:password@mail.example.com:465" })
    .refine((u) => /^smtps?:\/\//.test(u), "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Mixcast <no-reply@mixcast.invalid>"),
  /**
   * Networks alert webhooks may reach although private/loopback/link-local (addresses or CIDR
   * ranges, comma-separated); the same setting as the worker's. Unset: public addresses only.
   */
  MIXCAST_WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseAllowedNetworks(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** REST API (/api/v1): requests per minute per API token. */
  MIXCAST_API_RATE_LIMIT: z.coerce
    .number({ error: "MIXCAST_API_RATE_LIMIT must be a whole number of requests per minute" })
    .int("MIXCAST_API_RATE_LIMIT must be a whole number of requests per minute")
    .min(1, "MIXCAST_API_RATE_LIMIT must be at least 1")
    .default(120),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (cached) return cached;
  const parsed = serverEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      `Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  cached = parsed.data;
  return cached;
}

/** TRUSTED_PROXIES alone (read at process start, before any secret is needed). */
export function trustedProxiesSetting(): string | undefined {
  const value = process.env.TRUSTED_PROXIES;
  return value === undefined || value.trim() === "" ? undefined : value;
}
