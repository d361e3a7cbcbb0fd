import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "runs",
    include: ["src/**/*.test.ts"],
    globalSetup: ["../db/src/testing-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
