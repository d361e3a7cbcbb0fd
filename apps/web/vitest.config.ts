import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineProject({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    name: "web",
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "node",
    globalSetup: ["../../packages/db/src/testing-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
