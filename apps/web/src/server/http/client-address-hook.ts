// Installed once per web process (src/instrumentation.ts). Before Next.js sees a request, its
// X-Forwarded-For is replaced by the one address Mixcast believes (lib/client-address.ts): the
// TCP peer, or, behind a trusted proxy, the client that proxy names. Next keeps a client-sent
// X-Forwarded-For as is, so without this every rate limit keyed by address could be dodged by
// sending a new header with each request.
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { parseTrustedProxies, resolveClientAddress } from "@/lib/client-address.ts";

const installed = Symbol.for("mixcast.clientAddressHook");

export function installClientAddressHook(trustedProxies: string | undefined): void {
  const g = globalThis as { [installed]?: boolean };
  if (g[installed]) return;
  g[installed] = true;
  const trusted = parseTrustedProxies(trustedProxies);
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    const address = resolveClientAddress(socket.remoteAddress, request.headers["x-forwarded-for"], trusted);
    request.headers["x-forwarded-for"] = address;
    delete request.headers["x-real-ip"];
    delete request.headers["forwarded"];
  });
}
