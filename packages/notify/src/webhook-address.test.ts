import { describe, expect, it } from "vitest";
import { addressRefusal, literalHostRefusal, parseAllowedNetworks } from "./webhook-address.ts";

describe("addressRefusal", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.100.100.200", "shared (carrier-grade NAT)"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "private (unique-local)"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local (cloud metadata)"],
    ["64:ff9b::a9fe:a9fe", "link-local (cloud metadata)"],
    ["2002:c0a8:0101::1", "private"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(addressRefusal(address)).toBe(`${address} is a ${reason} address`);
  });

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "allows the public address %s",
    (address) => {
      expect(addressRefusal(address)).toBeNull();
    },
  );

  it("the operator's allow-list lets chosen networks through, and only those", () => {
    const allowed = parseAllowedNetworks(" 10.20.0.0/16, 127.0.0.1 ,fd00::/8");
    expect(addressRefusal("10.20.3.4", allowed)).toBeNull();
    expect(addressRefusal("127.0.0.1", allowed)).toBeNull();
    expect(addressRefusal("::ffff:127.0.0.1", allowed)).toBeNull();
    expect(addressRefusal("fd12::1", allowed)).toBeNull();
    expect(addressRefusal("10.21.0.1", allowed)).toMatch(/private/);
    expect(addressRefusal("127.0.0.2", allowed)).toMatch(/loopback/);
    expect(addressRefusal("169.254.169.254", allowed)).toMatch(/metadata/);
  });

  it("a bad allow-list entry fails with the setting's name", () => {
    expect(() => parseAllowedNetworks("10.0.0.0/8,intranet")).toThrow(
      /MIXCAST_WEBHOOK_ALLOWED_NETWORKS: "intranet"/,
    );
    expect(() => parseAllowedNetworks("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
  });
});

describe("literalHostRefusal (checked when a channel is saved)", () => {
  it("refuses internal IP literals and localhost, leaves names to the worker's DNS check", () => {
    expect(literalHostRefusal("http://169.254.169.254/latest/meta-data")).toMatch(/metadata/);
    expect(literalHostRefusal("http://[::1]:8080/x")).toMatch(/loopback/);
    expect(literalHostRefusal("https://localhost/hook")).toMatch(/loopback/);
    expect(literalHostRefusal("https://api.localhost/hook")).toMatch(/loopback/);
    expect(literalHostRefusal("http://0x7f000001/")).toMatch(/loopback/); // URL parses it to 127.0.0.1
    expect(literalHostRefusal("https://hooks.example.com/x")).toBeNull();
    expect(literalHostRefusal("http://127.0.0.1:9/x", parseAllowedNetworks("127.0.0.0/8"))).toBeNull();
  });
});
