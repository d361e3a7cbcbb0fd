// Which address a request comes from, for rate limits and the audit log. X-Forwarded-For is
// written by whoever sent the request, so it is believed only when the TCP peer is one of the
// proxies the operator listed in TRUSTED_PROXIES (off by default): then the chain is read from
// the right, skipping trusted hops, and the first address not in the list is the client.
import { BlockList, isIP } from "node:net";

export interface TrustedProxies {
  has(address: string): boolean;
  readonly size: number;
}

function normalise(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, "");
  // IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d.
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

/**
 * TRUSTED_PROXIES: comma-separated addresses or CIDR ranges (`10.0.0.0/8, ::1`). Throws on an
 * entry that is neither, naming it.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  let size = 0;
  for (const raw of (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr, prefix] = raw.split("/") as [string, string | undefined];
    const a = normalise(addr);
    const family = isIP(a);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (
      family === 0 ||
      (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))
    )
      throw new Error(`TRUSTED_PROXIES: "${raw}" is not an IP address or CIDR range`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(a, type);
    else list.addSubnet(a, bits, type);
    size++;
  }
  return {
    size,
    has(address: string) {
      const a = normalise(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/** The client's address for a connection from `peer` that carried `forwardedFor` (if any). */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const direct = normalise(peer ?? "") || "unknown";
  if (trusted.size === 0 || !trusted.has(direct) || !forwardedFor) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map(normalise)
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return direct; // a garbled chain: trust nothing in it
    if (!trusted.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}
