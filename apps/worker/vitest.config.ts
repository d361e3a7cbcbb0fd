import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "worker",
    include: ["src/**/*.test.ts"],
    globalSetup: ["../../packages/db/src/testing-setup.ts"],
    // Worker tests wait on PostgreSQL, child processes and fits; each file stays well under 60 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The process tests spawn worker processes that fit models; on a 2-core machine running the
    // files one at a time keeps each one's timing meaningful.
    fileParallelism: false,
  },
});
