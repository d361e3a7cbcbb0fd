import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "core",
    include: ["src/**/*.test.ts"],
    // Sampler and fit tests do real numerical work; on a busy 2-core machine vitest's 5 s default
    // turns slowness into failures. Speed is measured by `pnpm bench`, not by test timeouts.
    testTimeout: 60_000,
  },
});
