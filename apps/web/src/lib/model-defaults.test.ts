import { describe, expect, it } from "vitest";
import { channelParams, formatPrior, parsePrior } from "./model-defaults.ts";

describe("model editor defaults", () => {
  it("a social channel gets geometric adstock, viral echo, network and hill by default, with core's priors", () => {
    const rows = channelParams({ column: "tiktok", type: "social" });
    expect(rows.map((r) => `${r.stage}:${r.name}`)).toEqual([
      "saturation:beta",
      "adstock:alpha",
      "viralEcho:kappa",
      "viralEcho:delta",
      "network:eta",
      "saturation:K",
      "saturation:S",
    ]);
    expect(formatPrior(rows.find((r) => r.name === "alpha")!.defaultPrior)).toBe("Beta(2, 6)");
    expect(formatPrior(rows.find((r) => r.name === "kappa")!.defaultPrior)).toBe("Beta(1.5, 8)");
  });

  it("a traditional channel has no social multipliers and a slower default retention", () => {
    const rows = channelParams({ column: "tv", type: "traditional" });
    expect(rows.some((r) => r.stage === "viralEcho" || r.stage === "network")).toBe(false);
    expect(formatPrior(rows.find((r) => r.name === "alpha")!.defaultPrior)).toBe("Beta(5, 3)");
  });

  it("parses and formats priors round-trip, and explains bad input", () => {
    for (const text of [
      "Beta(2, 6)",
      "Gamma(3, 2)",
      "Normal(0, 1)",
      "HalfNormal(0.5)",
      "LogNormal(-1, 0.3)",
    ]) {
      const r = parsePrior(text);
      expect("prior" in r && formatPrior(r.prior)).toBe(text);
    }
    expect(parsePrior("beta(2)")).toMatchObject({ error: expect.stringContaining("two numbers") });
    expect(parsePrior("cauchy(0, 1)")).toMatchObject({
      error: expect.stringContaining("Unknown distribution"),
    });
  });
});
