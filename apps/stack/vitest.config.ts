import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "stack",
    include: ["src/**/*.test.ts"],
    // db-only.test.ts takes an empty database from the shared test server (stopped at the end).
    globalSetup: ["../../packages/db/src/testing-setup.ts"],
    // The launcher tests start real PostgreSQL servers and worker processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
