import { describe, expect, it } from "vitest";
import { parseModelConfig } from "./config.ts";
import { baselineOf, channelRoleOf, parseModelConfigV2, toV1Config, usesV2Features } from "./config-v2.ts";

const v1 = {
  date: "week",
  kpi: "revenue",
  channels: [
    { column: "TV", type: "traditional" },
    { column: "Meta", type: "social", saturation: { kind: "logistic" } },
  ],
  controls: ["price"],
  synergies: [{ a: "TV", b: "Meta" }],
  liftTests: [{ channel: "TV", start: "2024-01-01", end: "2024-02-01", lift: 10, se: 2 }],
};

// the three configs of the conformance README (model-v2 section 7 shape)
const geo = {
  date: "date",
  kpi: "revenue",
  geo: "geo",
  population: "population",
  holdoutWeeks: 0,
  channels: [
    { column: "TV", type: "traditional" },
    { column: "Search", exposure: "Search_clicks", type: "digital" },
    { column: "Instagram", exposure: "Instagram_impressions", type: "social" },
    { column: "Influencer", type: "influencer" },
  ],
  controls: ["price"],
  link: "identity",
  baseline: "knots",
};
const nationalRfLog = {
  date: "date",
  kpi: "conversions",
  kpiType: "units",
  valueColumn: "revenue_per_conversion",
  holdoutWeeks: 0,
  channels: [
    { column: "TV", type: "traditional" },
    { name: "Meta", column: "Meta_spend", reach: "Meta_reach", frequency: "Meta_frequency", type: "social" },
    { column: "TikTok", exposure: "TikTok_impressions", type: "social" },
    { name: "Newsletter", exposure: "Newsletter_sends", role: "organic", type: "other" },
  ],
  controls: ["promo"],
  link: "log",
  baseline: "knots",
  timeVaryingMedia: true,
};

describe("model config v2", () => {
  it("a v1 config is a valid v2 config, uses no v2 feature and round-trips to the same v1 config", () => {
    const c = parseModelConfigV2(v1);
    expect(usesV2Features(c)).toBe(false);
    expect(baselineOf(c)).toBe("trend");
    expect(c.link).toBe("identity");
    expect(toV1Config(c)).toEqual(parseModelConfig(v1));
  });

  it("parses the conformance configs with roles and defaults", () => {
    const g = parseModelConfigV2(geo);
    expect(usesV2Features(g)).toBe(true);
    expect(baselineOf(g)).toBe("knots");
    expect(g.sigmaPerGeo).toBe(false);
    const n = parseModelConfigV2(nationalRfLog);
    expect(n.channels.map(channelRoleOf)).toEqual(["paid", "rf", "paid", "organic"]);
    expect(n.link).toBe("log");
    expect(() => toV1Config(n)).toThrow(/v2 features/);
    expect(baselineOf(parseModelConfigV2({ ...nationalRfLog, baseline: undefined }))).toBe("trend");
  });

  it("names the field of every v2 mistake", () => {
    const bad = (cfg: object) => {
      try {
        parseModelConfigV2(cfg);
      } catch (e) {
        return (e as { issues: { path: string; message: string }[] }).issues.map(
          (i) => `${i.path}: ${i.message}`,
        );
      }
      return [];
    };
    const ch = (extra: object) => ({ ...nationalRfLog, channels: [...nationalRfLog.channels, extra] });
    expect(bad(ch({ name: "X", column: "x", exposure: "xe", role: "organic", type: "other" }))).toEqual([
      "channels[4].column: an organic channel has no spend column",
    ]);
    expect(bad(ch({ name: "X", role: "organic", type: "other" }))).toEqual([
      "channels[4].exposure: an organic channel needs an exposure column",
    ]);
    expect(bad(ch({ column: "Y", reach: "Y_reach", type: "social" }))).toEqual([
      "channels[4].frequency: reach and frequency come together",
    ]);
    expect(bad(ch({ exposure: "Z", type: "social" }))).toEqual([
      "channels[4].column: a paid channel needs its spend column",
    ]);
    expect(bad(ch({ column: "TV", type: "digital" }))).toEqual(['channels[4].name: duplicate channel "TV"']);
    expect(bad({ ...nationalRfLog, valuePerUnit: 3 })).toEqual([
      "valuePerUnit: give valueColumn or valuePerUnit, not both",
    ]);
    expect(bad({ ...geo, valuePerUnit: 3 })).toEqual([
      'valuePerUnit: a value per unit needs kpiType "units" (revenue is its own value)',
    ]);
    expect(
      bad({ ...geo, roiPriors: [{ channel: "TV", prior: { dist: "logNormal", mu: 0, sigma: 1 } }] })[0],
    ).toMatch(/^roiPriors: ROI priors are not supported on v2 models yet/);
    // v1's checks still run, on the channel names
    expect(bad({ ...nationalRfLog, synergies: [{ a: "Meta", b: "Nope" }] })).toEqual([
      'synergies[0].b: unknown channel "Nope"',
    ]);
    expect(bad({ ...geo, link: "logit" })[0]).toMatch(/^link: /);
  });
});

// The data side's scaler output is the model's input: a compile-time check (pnpm typecheck) that
// data/scale-v2.ts's ScaledDataV2 stays assignable to ModelDataV2.
import type { ScaledDataV2 } from "../data/scale-v2.ts";
import type { ModelDataV2 } from "./data-v2.ts";
export const scaledIsModelData = (d: ScaledDataV2): ModelDataV2 => d;
