// The v2 insights page's server side (insight.getV2) through the real tRPC caller on real
// PostgreSQL, with v2 runs fitted (fast mode) on simulated data and stored as the worker stores
// them; the numbers are checked against packages/core run directly on the stored draws.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createModelV2, incrementalityAt } from "@mixcast/core";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { decodeModelSpecV2, decodeStoredDraws } from "@mixcast/runs";
import type * as RunsInsights from "@mixcast/runs/insights";
import { runInsightsV2Codec } from "@mixcast/runs/stored";
import { createCaller } from "../root.ts";
import type * as RunPosteriorV2 from "./run-posterior-v2.ts";
import type { Context } from "../trpc.ts";
import { workspaceWithViewer } from "../../../test/fixtures.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { seedFittedRunV2 } from "../../../test/seed-fitted-run-v2.ts";

// Counts what a request computes: the insights (@mixcast/runs/insights) and the posterior loads
// (stored draws inflated and decoded). Both pass through to the real functions.
const calls = vi.hoisted(() => ({ computeInsights: 0, loadPosterior: 0 }));
vi.mock("@mixcast/runs/insights", async (importOriginal) => {
  const real = await importOriginal<typeof RunsInsights>();
  return {
    ...real,
    computeInsightsV2: (...args: Parameters<typeof real.computeInsightsV2>) => {
      calls.computeInsights++;
      return real.computeInsightsV2(...args);
    },
  };
});
vi.mock("./run-posterior-v2.ts", async (importOriginal) => {
  const real = await importOriginal<typeof RunPosteriorV2>();
  return {
    ...real,
    loadRunPosteriorV2: (...args: Parameters<typeof real.loadRunPosteriorV2>) => {
      calls.loadPosterior++;
      return real.loadRunPosteriorV2(...args);
    },
  };
});

let db: TestDatabase;
let workspaceId: string;
let viewer: Context;
let geoRun: Awaited<ReturnType<typeof seedFittedRunV2>>;
let logRun: Awaited<ReturnType<typeof seedFittedRunV2>>;
/** Fitted since the worker stores the insights artifact with the outcome. */
let storedRun: Awaited<ReturnType<typeof seedFittedRunV2>>;
let v1Run: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, { workspace: "Geo Co" });
  ({ workspaceId, viewer } = w);
  const owner = w.owner;
  geoRun = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: owner.id,
    sim: { weeks: 52, geos: 3, seed: 4, units: true, rf: true, organic: true, channels: 2 },
  });
  // national, multiplicative, time-varying media; the worker's analysis missing (the web computes it)
  logRun = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: owner.id,
    sim: { weeks: 52, geos: 1, seed: 6, link: "log", timeVarying: true, rf: true, channels: 2 },
    configPatch: { timeVaryingMedia: true },
    withAnalysis: false,
  });
  v1Run = (await seedFittedRun(db.prisma, { workspaceId, userId: owner.id, weeks: 40, channels: 2 })).runId;
  storedRun = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: owner.id,
    sim: { weeks: 52, geos: 4, seed: 9, rf: true, channels: 2 },
    withInsights: true,
  });
}, 240_000);

afterAll(async () => {
  await db?.drop();
});

/** Core's incrementality over every stored (Float32) draw of a run: the per-draw figures behind the summary. */
async function coreOnStoredDraws(runId: string) {
  const arts = await db.prisma.runArtifact.findMany({ where: { runId, kind: { in: ["draws", "spec"] } } });
  const spec = decodeModelSpecV2(arts.find((a) => a.kind === "spec")!.analysis);
  const model = createModelV2(spec);
  const d = decodeStoredDraws(
    arts.find((a) => a.kind === "draws")!.bytes!,
    arts.find((a) => a.kind === "draws")!.encoding,
  );
  const n = d.chains * d.perChain;
  const dim = d.names.length;
  const out = Array.from({ length: n }, (_, s) =>
    incrementalityAt(model, Float64Array.from(d.values.subarray(s * dim, (s + 1) * dim)), {
      incrementalOnly: true,
    }),
  );
  return { spec, out };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const relClose = (got: number, want: number, tol: number) =>
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(
    tol * Math.max(1e-12, Math.abs(want)),
  );

describe("insight.getV2 on a geo model (units KPI with a value, R&F, organic)", () => {
  it("national figures first: ROI and CPIK per paid channel with ordered intervals, organic without ROI", async () => {
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    expect(res.version).toBe(2);
    expect(res.kpi).toEqual({ name: geoRun.spec.data.kpiName, type: "units", valueKnown: true });
    expect(res.model.geos).toEqual(geoRun.sim.dataset.geos);
    expect(res.model.rule).toBe("additive");
    expect(res.model.baseline).toBe("knots"); // default for geo data
    expect(res.channels.map((c) => c.role).sort()).toEqual(["organic", "paid", "paid", "rf"]);
    for (const c of res.channels) {
      if (c.role === "organic") {
        expect(c.roi).toBeNull();
        expect(c.cpik).toBeNull();
        expect(c.spend).toBe(0);
        expect(c.incremental).not.toBeNull();
        expect(c.share).not.toBeNull();
        continue;
      }
      for (const iv of [c.roi!, c.cpik!]) {
        expect(iv.q05).toBeLessThanOrEqual(iv.mean);
        expect(iv.mean).toBeLessThanOrEqual(iv.q95);
      }
      // the stored summary is core's fitModelV2 output for this run
      expect(c.cpik!.mean).toBeCloseTo(geoRun.fit.channels[c.name]!.cpik!.mean, 9);
      expect(c.roi!.q95).toBeCloseTo(geoRun.fit.channels[c.name]!.roi!.q95, 9);
      expect(c.spend).toBeCloseTo(geoRun.fit.channels[c.name]!.spend, 6);
    }
    const meta = res.channels.find((c) => c.role === "rf")!;
    expect(meta.optimalFrequency!.mean).toBeGreaterThanOrEqual(1);
  });

  it("the geo table: one row per geo and channel, equal to core's incrementality over the stored draws", async () => {
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    const geos = geoRun.sim.dataset.geos;
    expect(res.geoTable).toHaveLength(geos.length * res.channels.length);
    const { spec, out } = await coreOnStoredDraws(geoRun.runId);
    for (const row of res.geoTable) {
      const g = geos.indexOf(row.geo);
      const c = spec.channels.findIndex((ch) => ch.name === row.channel);
      expect(row.spend).toBeCloseTo(spec.data.scaling.spendByGeo[spec.channels[c]!.data]![g]!, 6);
      // stored draws are Float32, the summary came from the Float64 originals
      relClose(row.incremental!.mean, mean(out.map((r) => r.incrementalByGeo[c]![g]!)), 1e-3);
      if (row.role === "organic") {
        expect(row.roi).toBeNull();
        expect(row.cpik).toBeNull();
      } else {
        relClose(row.roi!.mean, mean(out.map((r) => r.roiByGeo[c]![g]!)), 1e-3);
        relClose(row.cpik!.mean, mean(out.map((r) => r.cpikByGeo[c]![g]!)), 1e-3);
      }
    }
    // the geos' incremental KPI adds up to the national figure
    for (const ch of res.channels) {
      const sum = res.geoTable
        .filter((r) => r.channel === ch.name)
        .reduce((s, r) => s + r.incremental!.mean, 0);
      relClose(sum, ch.incremental!.mean, 1e-6);
    }
  });

  it("decomposition and fit per geo add up; response curves per geo add up to the national curve; ROI vs frequency", async () => {
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    const a = res.analysis;
    expect(res.source).toBe("worker");
    expect(Object.keys(a.byGeo ?? {}).sort()).toEqual([...geoRun.sim.dataset.geos].sort());
    for (const geo of geoRun.sim.dataset.geos) {
      const g = a.byGeo![geo]!;
      for (const t of [0, 20, 51]) {
        const sum = Object.values(g.decomposition).reduce((s, series) => s + series[t]!, 0);
        relClose(sum, g.expected.mean[t]!, 1e-9);
      }
    }
    for (const curve of res.responseCurves) {
      expect(curve.byGeo?.map((b) => b.geo)).toEqual(geoRun.sim.dataset.geos);
      const k = curve.multipliers.indexOf(2);
      const sum = curve.byGeo!.reduce((s, b) => s + b.incremental.mean[k]!, 0);
      relClose(sum, curve.incremental.mean[k]!, 1e-9);
      expect(curve.value).not.toBeNull(); // value column: money curves too
      if (curve.role === "organic") expect(curve.spend).toBeNull();
    }
    expect(res.frequencyCurves.map((f) => f.channel)).toEqual(["Meta"]);
    const f = res.frequencyCurves[0]!;
    expect(f.frequencies[0]).toBe(1);
    expect(f.per).toBe("value");
    // the optimal frequency quoted is the run summary's (all draws)
    expect(f.optimal.mean).toBeCloseTo(geoRun.fit.channels.Meta!.optimalFrequency!.mean, 9);
    expect(f.optimal.q05).toBeCloseTo(geoRun.fit.channels.Meta!.optimalFrequency!.q05, 9);
    expect(res.mediaEffectiveness).toBeNull();
    // the national holdout check of the summary (13 weeks held out by default)
    expect(res.holdout?.weeks).toBe(geoRun.fit.holdout?.weeks);
    expect(res.holdout?.weeks).toBeGreaterThan(0);
  });

  it("computes the curves once and keeps them as the run's insights artifact", async () => {
    const before = await db.prisma.runArtifact.findMany({ where: { runId: geoRun.runId, kind: "insights" } });
    expect(before).toHaveLength(1);
    // this run was seeded as before the worker stored insights: the first request computed them
    expect(calls.computeInsights).toBeGreaterThanOrEqual(1);
    const computed = calls.computeInsights;
    // a marker in the stored artifact comes back: the second call reads it instead of recomputing
    const json = before[0]!.analysis as { drawsUsed: number };
    await db.prisma.runArtifact.update({
      where: { id: before[0]!.id },
      data: { analysis: { ...(json as object), drawsUsed: 7 } },
    });
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    expect(res.drawsUsed).toBe(7);
    expect(calls.computeInsights).toBe(computed);
  });
});

describe("insight.getV2 on a run whose worker stored its insights with the outcome", () => {
  it("returns the stored curves without loading the draws or computing anything", async () => {
    const before = { ...calls };
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: storedRun.runId });
    expect(calls.computeInsights).toBe(before.computeInsights);
    expect(calls.loadPosterior).toBe(before.loadPosterior);
    const stored = runInsightsV2Codec.decode(
      (
        await db.prisma.runArtifact.findUniqueOrThrow({
          where: { runId_kind: { runId: storedRun.runId, kind: "insights" } },
        })
      ).analysis,
    );
    expect(res.responseCurves).toEqual(stored.responseCurves);
    expect(res.drawsUsed).toBe(stored.drawsUsed);
    expect(res.source).toBe("worker");
    const geos = storedRun.sim.dataset.geos;
    expect(res.model.geos).toEqual(geos);
    expect(res.responseCurves.map((c) => c.channel).sort()).toEqual(
      storedRun.spec.channels.map((c) => c.name).sort(),
    );
    for (const curve of res.responseCurves) {
      expect(curve.byGeo?.map((b) => b.geo)).toEqual(geos);
      const k = curve.multipliers.indexOf(1);
      expect(curve.incremental.mean[k]!).toBeGreaterThan(0);
    }
    expect(res.frequencyCurves.map((f) => f.channel)).toEqual(["Meta"]);
    // the page's other figures still come from the stored spec and summary
    expect(res.geoTable).toHaveLength(geos.length * res.channels.length);
    expect(res.channels.find((c) => c.name === "Meta")!.roi!.mean).toBeCloseTo(
      storedRun.fit.channels.Meta!.roi!.mean,
      9,
    );
  });

  it("keeps its workspace check: another workspace's members get no part of it", async () => {
    const other = await workspaceWithViewer(db.prisma, {
      workspace: "Other Co",
      owner: "Oscar Owner",
      viewer: "Vera Viewer",
    });
    const before = { ...calls };
    await expect(
      createCaller(other.viewer).insight.getV2({ workspaceId: other.workspaceId, runId: storedRun.runId }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      createCaller(other.viewer).insight.getV2({ workspaceId, runId: storedRun.runId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(calls.computeInsights).toBe(before.computeInsights);
  });
});

describe("insight.getV2 on a national multiplicative model with time-varying media", () => {
  it("says which rule splits the joint effect, shows media effectiveness with its band, computes a missing analysis", async () => {
    const res = await createCaller(viewer).insight.getV2({ workspaceId, runId: logRun.runId });
    expect(res.model.link).toBe("log");
    expect(res.model.rule).toBe("log-share");
    expect(res.analysis.rule).toBe("log-share");
    expect(res.source).toBe("web");
    expect(res.analysis.byGeo).toBeUndefined();
    expect(res.geoTable).toEqual([]);
    const stored = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: logRun.runId, kind: "insights" } },
    });
    expect((stored.analysis as { analysis: unknown }).analysis).not.toBeNull();
    // with the log link the decomposition still adds up to E[kpi] each week
    for (const t of [0, 30]) {
      const sum = Object.values(res.analysis.decomposition).reduce((s, series) => s + series[t]!, 0);
      relClose(sum, res.analysis.expected.mean[t]!, 1e-9);
    }
    expect(res.analysis.components.find((c) => c.name === "base")?.kind).toBe("base");
    const me = res.mediaEffectiveness!;
    expect(me).toHaveLength(logRun.fit.mediaEffectiveness!.length);
    const w = logRun.fit.mediaEffectiveness![10]!;
    expect(me[10]!.q50).toBeCloseTo(Math.exp(w.f.q50), 9);
    expect(me[10]!.q05).toBeCloseTo(Math.exp(w.f.q05), 9);
    for (const x of me) {
      expect(x.q05).toBeGreaterThan(0);
      expect(x.q05).toBeLessThanOrEqual(x.q50);
      expect(x.q50).toBeLessThanOrEqual(x.q95);
    }
    // revenue KPI: no CPIK
    expect(res.kpi.type).toBe("revenue");
    expect(res.channels.every((c) => c.cpik === null)).toBe(true);
  });
});

describe("run.exportDraws of v2 runs", () => {
  const parse = (csv: string) => {
    // geo parameter labels hold commas (quoted cells): split outside quotes
    const cells = (line: string) => {
      const out: string[] = [];
      let cur = "";
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            cur += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cur += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ",") {
          out.push(cur);
          cur = "";
        } else cur += ch;
      }
      out.push(cur);
      return out;
    };
    const [header, ...rows] = csv.trim().split("\n").map(cells);
    const col = (name: string) => {
      const i = header!.indexOf(name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      return rows.map((r) => Number(r[i]));
    };
    return { header: header!, rows, col };
  };

  it("has the v2 quantities per draw: incremental, share, ROI, CPIK, optimal frequency, per geo; they average to the run's figures", async () => {
    const res = await createCaller(viewer).run.exportDraws({ workspaceId, runId: geoRun.runId });
    const { header, rows, col } = parse(res.csv);
    expect(res.rows).toBe(60);
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    expect(header.slice(0, 2)).toEqual(["chain", "draw"]);
    expect(header).toContain("optimal_frequency[Meta]");
    expect(header).not.toContain("roi[Newsletter]"); // organic: no ROI
    expect(header).not.toContain("cpik[Newsletter]");
    const view = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    for (const c of view.channels) {
      relClose(mean(col(`incremental[${c.name}]`)), c.incremental!.mean, 1e-3);
      if (c.role !== "organic") {
        relClose(mean(col(`cpik[${c.name}]`)), c.cpik!.mean, 1e-3);
        relClose(mean(col(`roi[${c.name}]`)), c.roi!.mean, 1e-3);
      }
    }
    for (const row of view.geoTable.filter((r) => r.role !== "organic"))
      relClose(mean(col(`roi[${row.channel}@${row.geo}]`)), row.roi!.mean, 1e-3);
    // marginal ROI per paid channel (value known: money per money), averaging to the run's figure
    expect(header).not.toContain("marginal_roi[Newsletter]");
    for (const c of view.channels.filter((x) => x.role !== "organic"))
      relClose(mean(col(`marginal_roi[${c.name}]`)), c.marginalRoi!.mean, 1e-3);
    // the optimal frequency draws: the same grid as the summary's
    relClose(
      mean(col("optimal_frequency[Meta]")),
      view.channels.find((c) => c.name === "Meta")!.optimalFrequency!.mean,
      0.05,
    );
  });

  it("a national time-varying model exports media effectiveness per week and no geo columns", async () => {
    const res = await createCaller(viewer).run.exportDraws({ workspaceId, runId: logRun.runId });
    const { header, col } = parse(res.csv);
    const me = header.filter((h) => h.startsWith("media_effectiveness["));
    expect(me).toHaveLength(logRun.spec.weeks);
    expect(header.some((h) => h.includes("@"))).toBe(false);
    expect(header).not.toContain("cpik[Meta]"); // revenue KPI
    expect(header).toContain("marginal_roi[Meta]");
    const view = await createCaller(viewer).insight.getV2({ workspaceId, runId: logRun.runId });
    for (const c of view.channels.filter((x) => x.role !== "organic"))
      relClose(mean(col(`marginal_roi[${c.name}]`)), c.marginalRoi!.mean, 1e-3);
    const w = logRun.fit.mediaEffectiveness![10]!;
    // f_t is near 0: an absolute tolerance (Float32 draws)
    expect(Math.abs(mean(col(`media_effectiveness[${w.date}]`)) - w.f.mean)).toBeLessThan(1e-4);
  });
});

describe("v1 and v2 views stay apart", () => {
  it("insight.getV2 refuses a v1 run with a plain answer", async () => {
    await expect(createCaller(viewer).insight.getV2({ workspaceId, runId: v1Run })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/v1 model/),
    });
  });
});
