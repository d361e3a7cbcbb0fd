// Which addresses a webhook may reach. Webhook URLs are typed in by workspace admins, and the
// worker POSTs to them from inside the operator's network, so by default Mixcast refuses
// loopback, private (RFC 1918, unique-local), link-local (which holds the cloud metadata services,
// 169.254.169.254 / fd00:ec2::254), shared (CGNAT), multicast and reserved addresses. The operator
// may allow some networks (MIXCAST_WEBHOOK_ALLOWED_NETWORKS), e.g. an internal chat bridge.
import { BlockList, isIP } from "node:net";

const IPV4_RANGES: [string, number, string][] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared (carrier-grade NAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved (benchmarking)"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];
const IPV6_RANGES: [string, number, string][] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["fc00::", 7, "private (unique-local)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
];

/** 8 16-bit words of an IPv6 address (with an optional dotted IPv4 tail), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.replace(/%.*$/, "").toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const bytes = v4[1]!.split(".").map(Number);
    text = `${text.slice(0, -v4[1]!.length)}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const [head, tail, extra] = text.split("::");
  if (extra !== undefined) return null;
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const words = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right].map((w) =>
    parseInt(w, 16),
  );
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : null;
}

const dotted = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(words: number[]): string | null {
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return dotted(words[6]!, words[7]!); // ::ffff:a.b.c.d
  if (zero(0, 6) && (words[6]! > 0 || words[7]! > 1)) return dotted(words[6]!, words[7]!); // ::a.b.c.d
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return dotted(words[6]!, words[7]!);
  if (words[0] === 0x2002) return dotted(words[1]!, words[2]!); // 6to4
  return null;
}

function rangesList(): { list: BlockList; reasons: { list: BlockList; reason: string }[] } {
  const list = new BlockList();
  const reasons: { list: BlockList; reason: string }[] = [];
  for (const [ranges, family] of [
    [IPV4_RANGES, "ipv4"],
    [IPV6_RANGES, "ipv6"],
  ] as const) {
    for (const [network, prefix, reason] of ranges) {
      list.addSubnet(network, prefix, family);
      const one = new BlockList();
      one.addSubnet(network, prefix, family);
      reasons.push({ list: one, reason });
    }
  }
  return { list, reasons };
}
const FORBIDDEN = rangesList();

export interface AllowedNetworks {
  list: BlockList;
  /** The setting as given, for messages. */
  text: string;
}

/**
 * MIXCAST_WEBHOOK_ALLOWED_NETWORKS: comma-separated addresses or CIDR ranges that webhooks may
 * reach although they are private/loopback/link-local. Throws naming the bad entry.
 */
export function parseAllowedNetworks(setting: string | undefined): AllowedNetworks {
  const list = new BlockList();
  const entries = (setting ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefixText] = entry.split("/");
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw new Error(
        `MIXCAST_WEBHOOK_ALLOWED_NETWORKS: "${entry}" is not an address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8)`,
      );
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { list, text: entries.join(",") };
}

const NOTHING_ALLOWED = parseAllowedNetworks(undefined);

/**
 * Why a webhook must not connect to `address` (an IP literal), or null when it may. IPv6 forms
 * that carry an IPv4 address are judged by that address.
 */
export function addressRefusal(address: string, allowed: AllowedNetworks = NOTHING_ALLOWED): string | null {
  const family = isIP(address.replace(/%.*$/, ""));
  if (!family) return `${address} is not an IP address`;
  let judged = address.replace(/%.*$/, "");
  let type: "ipv4" | "ipv6" = family === 6 ? "ipv6" : "ipv4";
  if (family === 6) {
    const words = ipv6Words(judged);
    if (!words) return `${address} is not an IP address`;
    const v4 = embeddedIpv4(words);
    if (v4) {
      judged = v4;
      type = "ipv4";
    }
  }
  if (allowed.list.check(judged, type)) return null;
  if (!FORBIDDEN.list.check(judged, type)) return null;
  const reason = FORBIDDEN.reasons.find((r) => r.list.check(judged, type))?.reason ?? "internal";
  return `${address} is a ${reason} address`;
}

/**
 * For URLs typed into the alert settings: refuses hosts that are plainly internal without a DNS
 * look-up (IP literals in forbidden ranges, localhost). The worker checks again, after resolving.
 */
export function literalHostRefusal(url: string, allowed: AllowedNetworks = NOTHING_ALLOWED): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return `${url} is not a URL`;
  }
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return addressRefusal(bare, allowed);
  if (host === "localhost" || host.endsWith(".localhost"))
    return addressRefusal("127.0.0.1", allowed) ? `${host} is a loopback address` : null;
  return null;
}
