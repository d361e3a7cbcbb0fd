import { describe, expect, it } from "vitest";
import { diffDatasetCsv, diffJson } from "./data-diff.ts";
import {
  channelScore,
  compareStability,
  intervalOverlap,
  meanShiftSd,
  refitHealth,
  roiFromRunSummary,
} from "./stability.ts";

describe("refit stability", () => {
  it("interval overlap is intersection over union", () => {
    expect(intervalOverlap({ q05: 1, q95: 3 }, { q05: 1, q95: 3 })).toBe(1);
    expect(intervalOverlap({ q05: 0, q95: 2 }, { q05: 1, q95: 3 })).toBeCloseTo(1 / 3, 12);
    expect(intervalOverlap({ q05: 0, q95: 1 }, { q05: 2, q95: 3 })).toBe(0);
    expect(intervalOverlap({ q05: 0, q95: 4 }, { q05: 1, q95: 2 })).toBeCloseTo(0.25, 12);
  });

  it("mean shift in approved sds, with the normal fallback when sd is missing", () => {
    expect(meanShiftSd({ mean: 2, sd: 0.5, q05: 1, q95: 3 }, { mean: 3, q05: 2, q95: 4 })).toBeCloseTo(2, 12);
    // 90 % interval of width 3.29 <=> sd 1.
    expect(
      meanShiftSd(
        { mean: 0, q05: -1.6448536269514722, q95: 1.6448536269514722 },
        { mean: 1.5, q05: 0, q95: 3 },
      ),
    ).toBeCloseTo(1.5, 9);
  });

  it("channel score: 1 for identical, 0 for disjoint and >= 2 sd away", () => {
    expect(channelScore(1, 0)).toBe(1);
    expect(channelScore(0, 2)).toBe(0);
    expect(channelScore(0.5, 1)).toBeCloseTo(0.5, 12);
  });

  it("overall score weights by spend share; moved channels are listed largest shift first", () => {
    const approved = {
      TV: { mean: 2, sd: 0.2, q05: 1.7, q95: 2.3 },
      Search: { mean: 1, sd: 0.1, q05: 0.85, q95: 1.15 },
      TikTok: { mean: 0.5, sd: 0.1, q05: 0.35, q95: 0.65 },
    };
    const refit = {
      TV: { mean: 2, sd: 0.2, q05: 1.7, q95: 2.3 }, // identical
      Search: { mean: 1.3, sd: 0.1, q05: 1.15, q95: 1.45 }, // 3 sd away, touching intervals
      TikTok: { mean: 0.62, sd: 0.1, q05: 0.47, q95: 0.77 }, // 1.2 sd
    };
    const r = compareStability(approved, refit, {
      threshold: 0.7,
      spendShare: { TV: 0.5, Search: 0.3, TikTok: 0.2 },
    });
    expect(r.channels.TV!.score).toBe(1);
    const search = r.channels.Search!;
    expect(search.overlap).toBe(0);
    expect(search.shiftSd).toBeCloseTo(3, 9);
    expect(search.score).toBe(0);
    const tiktok = r.channels.TikTok!;
    expect(tiktok.overlap).toBeCloseTo((0.65 - 0.47) / (0.77 - 0.35), 12);
    expect(tiktok.shiftSd).toBeCloseTo(1.2, 9);
    const tiktokScore = 0.5 * tiktok.overlap + 0.5 * (1 - 1.2 / 2);
    expect(tiktok.score).toBeCloseTo(tiktokScore, 12);
    expect(r.score).toBeCloseTo(0.5 * 1 + 0.3 * 0 + 0.2 * tiktokScore, 12);
    expect(r.moved).toEqual(["Search", "TikTok"]);
    expect(r.stable).toBe(r.score >= 0.7);
    expect(r.stable).toBe(false);
  });

  it("a channel in only one run scores 0 and has moved", () => {
    const r = compareStability(
      { A: { mean: 1, q05: 0.5, q95: 1.5 } },
      { A: { mean: 1, q05: 0.5, q95: 1.5 }, B: { mean: 2, q05: 1, q95: 3 } },
      { threshold: 0.7 },
    );
    expect(r.channels.B).toMatchObject({ approved: null, score: 0, moved: true });
    expect(r.score).toBe(0.5);
    expect(r.moved).toEqual(["B"]);
  });
});

describe("what changed in the data", () => {
  const v1 = "date,sales,tv\n2024-01-01,100,10\n2024-01-08,110,12\n2024-01-15,120,11\n";
  it("lists weeks added, revised (with cells) and removed, matched by date", () => {
    const v2 = "date,sales,tv\n2024-01-08,110.0,12\n2024-01-15,125,11\n2024-01-22,130,9\n";
    expect(diffDatasetCsv(v1, v2, "date")).toEqual({
      added: [{ date: "2024-01-22", row: 4 }],
      removed: [{ date: "2024-01-01" }],
      revised: [{ date: "2024-01-15", row: 3, changes: [{ column: "sales", from: "120", to: "125" }] }],
      columnsAdded: [],
      columnsRemoved: [],
    });
  });
  it("reports new and dropped columns", () => {
    const v2 = "date,sales,radio\n2024-01-01,100,1\n";
    const d = diffDatasetCsv(v1, v2, "date");
    expect(d.columnsAdded).toEqual(["radio"]);
    expect(d.columnsRemoved).toEqual(["tv"]);
    expect(d.revised).toEqual([]);
  });
  it("config differences as dotted paths", () => {
    expect(diffJson({ a: 1, b: { c: [1, 2], d: "x" } }, { a: 1, b: { c: [1, 3], d: "y" }, e: true })).toEqual(
      [
        { path: "b.c[1]", from: 2, to: 3 },
        { path: "b.d", from: "x", to: "y" },
        { path: "e", from: undefined, to: true },
      ],
    );
  });
});

describe("reading stored summaries and health checks", () => {
  it("ROI and spend shares from a run summary; null without channels", () => {
    const r = roiFromRunSummary({
      channels: {
        TV: { spend: 300, roi: { mean: 2, sd: 0.2, q05: 1.7, q95: 2.3 } },
        Search: { spend: 100, roi: { mean: 1, q05: 0.8, q95: 1.2 } },
        Broken: { spend: 5, roi: { mean: "x" } },
      },
    });
    expect(r).toEqual({
      roi: { TV: { mean: 2, sd: 0.2, q05: 1.7, q95: 2.3 }, Search: { mean: 1, q05: 0.8, q95: 1.2 } },
      spendShare: { TV: 0.75, Search: 0.25 },
    });
    expect(roiFromRunSummary({})).toBeNull();
    expect(roiFromRunSummary(null)).toBeNull();
  });
  it("healthy = converged and holdout MAPE at most 1.25 x the approved run's", () => {
    expect(refitHealth({ converged: true, holdoutMape: 0.12 }, { holdoutMape: 0.1 })).toEqual({
      healthy: true,
      reasons: [],
    });
    expect(refitHealth({ converged: true, holdoutMape: 0.13 }, { holdoutMape: 0.1 }).reasons).toEqual([
      "holdout MAPE 13.0 % is more than 1.25 x the approved run's 10.0 %",
    ]);
    expect(refitHealth({ converged: false }, null)).toEqual({
      healthy: false,
      reasons: ["the sampler did not converge"],
    });
  });
});
