import { describe, expect, it } from "vitest";
import { logSafe, redactSecrets } from "./redact.ts";

describe("redactSecrets", () => {
  it("masks passwords in connection URLs and keeps what helps debugging", () => {
    expect(
      redactSecrets("connecting to postgresql://mixcast_app:s3cr%40t@db.internal:5432/mixcast failed"),
    ).toBe("connecting to postgresql://mixcast_app:***@db.internal:5432/mixcast failed");
    expect(redactSecrets("postgres://postgres:postgres@127.0.0.1:54329/mixcast")).toBe(
      "postgres://postgres:***@127.0.0.1:54329/mixcast",
    );
    expect(redactSecrets("smtps://mailer:hunter2@mail.example.com:465")).toBe(
      "smtps://mailer:***@mail.example.com:465",
    );
    // No password: unchanged.
    expect(redactSecrets("postgresql://postgres@127.0.0.1:5432/postgres")).toBe(
      "postgresql://postgres@127.0.0.1:5432/postgres",
    );
  });

  it("masks tokens in invitation and verification links, and key=value passwords", () => {
    expect(redactSecrets("open http://app.test/invite/0193-ab?token=Zx9_k-2 now")).toBe(
      "open http://app.test/invite/0193-ab?token=*** now",
    );
    expect(redactSecrets("http://app.test/api/auth/verify-email?token=eyJ.abc.def&callbackURL=%2F")).toBe(
      "http://app.test/api/auth/verify-email?token=***&callbackURL=%2F",
    );
    expect(redactSecrets("host=db user=app password=topsecret dbname=x")).toBe(
      "host=db user=app password=*** dbname=x",
    );
  });

  it("logSafe masks inside error messages and stacks", () => {
    const line = logSafe(new Error("connect ECONNREFUSED postgresql://app:pw@10.0.0.5:5432/db"));
    expect(line).toContain("postgresql://app:***@10.0.0.5");
    expect(line).not.toContain(":pw@");
  });
});

describe("log sinks", () => {
  it("pg-boss background errors are logged without the connection password", async () => {
    const { createTestDatabase } = await import("./testing.ts");
    const { createBoss } = await import("./jobs.ts");
    const db = await createTestDatabase();
    const boss = await createBoss({ connectionString: db.url, role: "producer" });
    const lines: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    try {
      boss.emit(
        "error",
        new Error("connection to postgresql://mixcast_app:hunter2@db.internal:5432/mixcast lost"),
      );
    } finally {
      console.error = original;
      await boss.stop({ graceful: false });
      await db.drop();
    }
    expect(lines.join("\n")).toContain("postgresql://mixcast_app:***@db.internal");
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});
