// vitest globalSetup: one PostgreSQL server and one migrated template per vitest project run.
// Add to a project's vitest config:  test: { globalSetup: ["../../packages/db/src/testing-setup.ts"] }
import type { TestProject } from "vitest/node";
import { startTestServer } from "./testing-server.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer();
  project.provide("mixcastTestServer", { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}
