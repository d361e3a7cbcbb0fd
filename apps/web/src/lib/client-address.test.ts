import { describe, expect, it } from "vitest";
import { parseTrustedProxies, resolveClientAddress } from "./client-address.ts";

describe("resolveClientAddress", () => {
  it("without TRUSTED_PROXIES the TCP peer is the client, whatever X-Forwarded-For says", () => {
    const none = parseTrustedProxies(undefined);
    expect(resolveClientAddress("::ffff:198.51.100.7", "1.2.3.4", none)).toBe("198.51.100.7");
    expect(resolveClientAddress("198.51.100.7", undefined, none)).toBe("198.51.100.7");
  });

  it("behind trusted proxies the right-most untrusted hop is the client", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, ::1");
    // Client-sent junk on the left is ignored: the proxy appended the real peer.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 203.0.113.5", trusted)).toBe("203.0.113.5");
    expect(resolveClientAddress("10.0.0.2", "203.0.113.5, 10.1.2.3", trusted)).toBe("203.0.113.5");
    expect(resolveClientAddress("::1", ["203.0.113.6"], trusted)).toBe("203.0.113.6");
    // A request straight from an untrusted peer keeps the peer, header or not.
    expect(resolveClientAddress("198.51.100.7", "203.0.113.5", trusted)).toBe("198.51.100.7");
    // A garbled chain is not believed.
    expect(resolveClientAddress("10.0.0.2", "evil, not-an-ip", trusted)).toBe("10.0.0.2");
  });

  it("rejects a TRUSTED_PROXIES entry that is not an address or range, naming it", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, proxy.local")).toThrow(/TRUSTED_PROXIES: "proxy.local"/);
    expect(() => parseTrustedProxies("10.0.0.0/40")).toThrow(/10.0.0.0\/40/);
  });
});
