import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "db",
    include: ["src/**/*.test.ts"],
    globalSetup: ["./src/testing-setup.ts"],
    // Database tests wait on PostgreSQL and the schema engine, not on the CPU.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
