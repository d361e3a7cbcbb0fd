import { describe, expect, it } from "vitest";
import { databaseUrl } from "./env.ts";
import { parseStartEnv } from "./start-env.ts";

describe("environment validation names the variable", () => {
  it("DATABASE_URL", () => {
    expect(() => databaseUrl({})).toThrow(/DATABASE_URL is not set/);
    expect(() => databaseUrl({ DATABASE_URL: "mysql://x/y" })).toThrow(
      /DATABASE_URL must be a PostgreSQL URL/,
    );
    expect(databaseUrl({ DATABASE_URL: "postgresql://u:p@h:5/db" })).toBe("postgresql://u:p@h:5/db");
  });

  it("start environment", () => {
    expect(parseStartEnv({})).toEqual({ PORT: 3000 });
    expect(() => parseStartEnv({ BETTER_AUTH_SECRET: "short" })).toThrow(
      /BETTER_AUTH_SECRET must be at least 32/,
    );
    expect(() => parseStartEnv({ PORT: "http" })).toThrow(/PORT must be a port number/);
    expect(() => parseStartEnv({ PORT: "70000" })).toThrow(/PORT must be between/);
    expect(() => parseStartEnv({ BETTER_AUTH_URL: "localhost" })).toThrow(/BETTER_AUTH_URL must be an http/);
    expect(() => parseStartEnv({ DATABASE_URL: "nope" })).toThrow(/DATABASE_URL must be a PostgreSQL URL/);
    expect(parseStartEnv({ PORT: "3100", MIXCAST_PG_PORT: "55000" })).toEqual({
      PORT: 3100,
      MIXCAST_PG_PORT: 55000,
    });
  });
});
