// Runs once when a web server process starts (Next.js instrumentation hook).
export async function register() {
  // Next's own convention: the edge runtime has no node:diagnostics_channel.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { trustedProxiesSetting } = await import("./env.ts");
  const { installClientAddressHook } = await import("./server/http/client-address-hook.ts");
  installClientAddressHook(trustedProxiesSetting());
}
