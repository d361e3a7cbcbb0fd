import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../analysis/stats.ts";
import type { Dataset, DatasetV2 } from "../data/types.ts";
import { runCli } from "../cli/main.ts";
import { checkData, correlation, robustZ, rSquared, type DataCheckCode } from "./check-data.ts";

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
}

function isoWeeks(n: number): string[] {
  const start = Date.UTC(2023, 0, 2);
  return Array.from({ length: n }, (_, t) => new Date(start + t * 7 * 86400000).toISOString().slice(0, 10));
}

/** Three independent lognormal channels, one noise control, KPI = base + media + noise. */
function cleanDataset(weeks = 104, seed = 3): Dataset {
  const rng = seededRandom(seed);
  const spend = (scale: number) =>
    Float64Array.from({ length: weeks }, () => scale * Math.exp(0.5 * gauss(rng)));
  const tv = spend(1000);
  const search = spend(500);
  const social = spend(300);
  const price = Float64Array.from({ length: weeks }, () => 10 + gauss(rng));
  const kpi = Float64Array.from(
    { length: weeks },
    (_, t) => 20000 + 2 * tv[t]! + 3 * search[t]! + 4 * social[t]! + 500 * gauss(rng),
  );
  return {
    dates: isoWeeks(weeks),
    kpiName: "revenue",
    kpi,
    channels: [
      { name: "tv", type: "traditional", spend: tv },
      { name: "search", type: "digital", spend: search },
      { name: "social", type: "social", spend: social },
    ],
    controls: [{ name: "price", values: price }],
    events: [],
  };
}

const codes = (d: Dataset | DatasetV2) => checkData(d).findings.map((f) => `${f.severity}:${f.code}`);
const find = (d: Dataset | DatasetV2, code: DataCheckCode) =>
  checkData(d).findings.filter((f) => f.code === code);

describe("statistics", () => {
  it("correlation, R^2 and robust z match closed forms", () => {
    expect(correlation([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(correlation([1, 1, 1], [1, 2, 3])).toBe(0);
    // y = x1 + x2 exactly: R^2 = 1; y independent of a constant column: 0
    const x1 = [1, 5, 2, 8, 3, 9, 4];
    const x2 = [3, 1, 4, 1, 5, 9, 2];
    expect(
      rSquared(
        x1.map((v, i) => v + x2[i]!),
        [x1, x2],
      ),
    ).toBeCloseTo(1, 6);
    // one regressor: R^2 = r^2
    const y = [2, 1, 4, 3, 6, 5, 8];
    expect(rSquared(y, [x1])).toBeCloseTo(correlation(y, x1) ** 2, 8);
    const z = robustZ([10, 11, 9, 10.5, 9.5, 50, 10, 11, 9, 10.2, 9.8]);
    expect(Math.abs(z[5]!)).toBeGreaterThan(10);
  });
});

describe("checkData on clean data", () => {
  it("finds nothing on independent, varying channels with 104 weeks", () => {
    const r = checkData(cleanDataset(), { holdoutWeeks: 13 });
    expect(r.findings).toEqual([]);
    expect(r.blocking).toBe(false);
    expect(r.trainingWeeks).toBe(91);
    // 2 level/trend + 4 Fourier + 1 control + 1 sigma + 3 x 4 channel + 3 social extras
    expect(r.parameterCount).toBe(23);
  });
});

describe("each check fires on its constructed case", () => {
  it("near-duplicate: spend and impressions mapped as two channels (blocking), a close copy (warning)", () => {
    const d = cleanDataset();
    const tv = d.channels[0]!.spend;
    const copy = Float64Array.from(tv, (v) => v * 1000);
    d.channels.push({ name: "tv_impressions", type: "traditional", spend: copy });
    const f = find(d, "near-duplicate");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("blocking");
    expect(f[0]!.columns).toEqual(["tv", "tv_impressions"]);
    expect(f[0]!.value).toBe(1);

    const rng = seededRandom(9);
    const d2 = cleanDataset();
    const close = Float64Array.from(d2.channels[0]!.spend, (v) => v * (1 + 0.12 * gauss(rng)));
    d2.channels.push({ name: "tv2", type: "traditional", spend: close });
    const f2 = find(d2, "near-duplicate");
    expect(f2).toHaveLength(1);
    expect(f2[0]!.severity).toBe("warning");
    expect(f2[0]!.value).toBeGreaterThan(0.95);
    expect(f2[0]!.value).toBeLessThan(0.995);
  });

  it("high VIF: a channel that is the sum of two others (no pair above 0.95)", () => {
    const rng = seededRandom(4);
    const d = cleanDataset();
    const [tv, search] = [d.channels[0]!.spend, d.channels[1]!.spend];
    const mix = Float64Array.from(tv, (v, t) => v / 1000 + search[t]! / 500 + 0.1 * gauss(rng) + 1);
    d.channels.push({ name: "mix", type: "digital", spend: mix });
    expect(find(d, "near-duplicate")).toEqual([]);
    const vif = find(d, "high-vif").filter((f) => f.severity === "warning");
    expect(vif.map((f) => f.columns[0])).toContain("mix");
    expect(vif.find((f) => f.columns[0] === "mix")!.value).toBeGreaterThan(10);
    // and the clean channels alone stay under 5
    expect(find(cleanDataset(), "high-vif")).toEqual([]);
  });

  it("low variation: a channel at a near-constant weekly spend", () => {
    const rng = seededRandom(5);
    const d = cleanDataset();
    d.channels[1]!.spend = Float64Array.from(d.channels[1]!.spend, () => 500 * (1 + 0.02 * gauss(rng)));
    const f = find(d, "low-variation");
    expect(f).toHaveLength(1);
    expect(f[0]!.columns).toEqual(["search"]);
    expect(f[0]!.value).toBeGreaterThan(0.01);
    expect(f[0]!.value).toBeLessThan(0.04);
  });

  it("mostly zero: 80 % zero weeks warns, 3 active weeks blocks, 60 % is info", () => {
    const zeroed = (share: number) => {
      const d = cleanDataset();
      d.channels[2]!.spend = d.channels[2]!.spend.map((v, t) => (t % 10 < share * 10 ? 0 : v));
      return find(d, "mostly-zero");
    };
    expect(zeroed(0.8)[0]).toMatchObject({ severity: "warning", value: 0.808, columns: ["social"] });
    expect(zeroed(0.6)[0]).toMatchObject({ severity: "info" });
    expect(zeroed(0.4)).toEqual([]);
    const d = cleanDataset();
    d.channels[2]!.spend = d.channels[2]!.spend.map((v, t) => (t < 3 ? v : 0));
    expect(find(d, "mostly-zero")[0]).toMatchObject({ severity: "blocking", value: 3 });
  });

  it("too few weeks for the parameter count: blocking below 1 per parameter, warning below 3", () => {
    expect(find(cleanDataset(22), "too-few-weeks")[0]).toMatchObject({ severity: "blocking", value: 0.957 });
    expect(find(cleanDataset(60), "too-few-weeks")[0]).toMatchObject({ severity: "warning", value: 2.61 });
    expect(find(cleanDataset(70), "too-few-weeks")).toEqual([]);
  });

  it("KPI outlier: one week tripled", () => {
    const d = cleanDataset();
    d.kpi[40] = d.kpi[40]! * 3;
    const f = find(d, "kpi-outlier");
    expect(f).toHaveLength(1);
    expect(f[0]!.value).toBeGreaterThan(20);
    expect(f[0]!.message).toContain(d.dates[40]!);
  });

  it("controls: constant blocks, a trend-like control warns", () => {
    const d = cleanDataset();
    d.controls.push({ name: "flat", values: new Float64Array(104).fill(3) });
    const rng = seededRandom(8);
    d.controls.push({
      name: "distribution",
      values: Float64Array.from({ length: 104 }, (_, t) => t + 3 * gauss(rng)),
    });
    expect(codes(d)).toEqual(["blocking:control-constant", "warning:control-collinear-with-time"]);
    const r = checkData(d);
    expect(r.blocking).toBe(true);
    expect(r.findings[1]!.value).toBeGreaterThan(0.95);
  });

  it("spend versus exposure (v2): a cost-per-unit jump and spend without exposure", () => {
    const weeks = 104;
    const base = cleanDataset(weeks);
    const rng = seededRandom(11);
    const spend = base.channels[0]!.spend;
    const impressions = Float64Array.from(spend, (v) => (v / 0.01) * (1 + 0.05 * gauss(rng)));
    const v2 = (exposure: Float64Array): DatasetV2 => ({
      dates: base.dates,
      geos: ["national"],
      population: Float64Array.of(1),
      kpiName: "revenue",
      kpiType: "revenue",
      kpi: [base.kpi],
      channels: [
        {
          name: "tv",
          type: "traditional",
          role: "paid",
          columns: { spend: "tv_spend", exposure: "tv_impressions" },
          spend: [spend],
          exposure: [exposure],
        },
        {
          name: "search",
          type: "digital",
          role: "paid",
          columns: { spend: "search_spend" },
          spend: [base.channels[1]!.spend],
        },
      ],
      controls: [{ name: "price", kind: "numeric", values: [base.controls[0]!.values] }],
      events: [],
    });
    expect(checkData(v2(impressions)).findings).toEqual([]);
    const jumped = impressions.slice();
    jumped[30] = jumped[30]! / 10;
    const f = find(v2(jumped), "cost-per-unit-jump");
    expect(f).toHaveLength(1);
    expect(f[0]!.value).toBeGreaterThan(9);
    expect(f[0]!.value).toBeLessThan(11);
    expect(f[0]!.columns).toEqual(["tv_spend", "tv_impressions"]);
    const gap = impressions.slice();
    gap[12] = 0;
    gap[13] = 0;
    expect(find(v2(gap), "spend-without-exposure")[0]).toMatchObject({ severity: "warning", value: 2 });
  });
});

describe("mixcast check", () => {
  const header = "week,revenue,tv_spend,search_spend,social_spend\n";
  const rows = (d: Dataset, extra?: (t: number) => string) =>
    d.dates
      .map(
        (w, t) =>
          `${w},${d.kpi[t]!.toFixed(2)},${d.channels.map((c) => c.spend[t]!.toFixed(2)).join(",")}${extra ? `,${extra(t)}` : ""}`,
      )
      .join("\n");
  async function run(csv: string) {
    const dir = mkdtempSync(join(tmpdir(), "mixcast-check-"));
    writeFileSync(join(dir, "d.csv"), csv);
    let out = "";
    let err = "";
    const code = await runCli(["check", "--data", "d.csv"], {
      stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
      cwd: dir,
    });
    return { code, out, err };
  }

  it("prints { findings } and exits 0 on clean data, 3 when a finding is blocking", async () => {
    const d = cleanDataset();
    const clean = await run(header + rows(d));
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.out)).toEqual({ findings: [] });

    const dup = await run(
      header.replace("\n", ",radio_spend\n") + rows(d, (t) => (d.channels[0]!.spend[t]! * 1000).toFixed(0)),
    );
    expect(dup.code).toBe(3);
    const json = JSON.parse(dup.out) as { findings: { severity: string; code: string; columns: string[] }[] };
    expect(json.findings[0]).toMatchObject({
      severity: "blocking",
      code: "near-duplicate",
      columns: ["tv_spend", "radio_spend"],
    });
    for (const f of json.findings)
      expect(Object.keys(f)).toEqual(["severity", "code", "columns", "value", "threshold", "message"]);
  });
});
