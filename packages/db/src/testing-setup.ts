// vitest globalSetup: one PostgreSQL server and one migrated template per vitest process, shared by
// every project that lists this file (their globalSetups run in the same process):
//   test: { globalSetup: ["../../packages/db/src/testing-setup.ts"] }
import type { TestProject } from "vitest/node";
import { startTestServer, type RunningTestServer } from "./testing-server.ts";

const shared = globalThis as unknown as {
  __mixcastTestServer?: { server: Promise<RunningTestServer>; users: number };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.__mixcastTestServer ??= { server: startTestServer(), users: 0 };
  const entry = shared.__mixcastTestServer;
  entry.users += 1;
  const server = await entry.server;
  project.provide("mixcastTestServer", { adminUrl: server.adminUrl, template: server.template });
  return async () => {
    entry.users -= 1;
    if (entry.users === 0) {
      shared.__mixcastTestServer = undefined;
      await server.stop();
    }
  };
}
