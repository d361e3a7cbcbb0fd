import { describe, expect, it } from "vitest";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { compareRoi, roiChannelsOf } from "./refresh-comparison.ts";

describe("refresh comparison", () => {
  it("computes deltas and flags means outside the previous 90% interval", () => {
    const previous = {
      runId: "prev",
      finishedAt: new Date("2026-11-16T08:00:00Z"),
      channels: {
        TV: { roi: { mean: 2, q05: 1.5, q95: 2.5 } },
        Search: { roi: { mean: 1, q05: 0.8, q95: 1.2 } },
        Radio: { roi: { mean: 0, q05: -0.1, q95: 0.1 } },
      },
    };
    const cmp = compareRoi(
      {
        TV: { roi: { mean: 2.4, q05: 2, q95: 2.9 } }, // inside [1.5, 2.5]
        Search: { roi: { mean: 1.3, q05: 1.1, q95: 1.5 } }, // above 1.2
        Radio: { roi: { mean: 0.05, q05: 0, q95: 0.1 } },
        TikTok: { roi: { mean: 3, q05: 2, q95: 4 } },
      },
      previous,
    );
    expect(cmp.channels.TV!.delta).toBeCloseTo(0.4, 12);
    expect(cmp.channels.TV!.relativeDelta).toBeCloseTo(0.2, 12);
    expect(cmp.channels.TV!.outsidePreviousInterval).toBe(false);
    expect(cmp.channels.Search!.delta).toBeCloseTo(0.3, 12);
    expect(cmp.channels.Search!.outsidePreviousInterval).toBe(true);
    expect(cmp.channels.Radio!.relativeDelta).toBeNull();
    expect(cmp.flaggedChannels).toEqual(["Search"]);
    expect(cmp.added).toEqual(["TikTok"]);
    expect(cmp.removed).toEqual([]);
    expect(cmp.previousFinishedAt).toBe("2026-11-16T08:00:00.000Z");
  });

  it("reads ROI summaries from a stored run summary; one that does not decode gives none", () => {
    const interval = (mean: number | null) => ({ mean, q05: 0.5, q95: 1.5, sd: 0.2 });
    const stored = {
      channels: {
        A: { type: "traditional", roi: interval(1), contribution: interval(10) },
        B: { type: "social", roi: interval(null), contribution: interval(10) }, // NaN stored as null
      },
    };
    expect(roiChannelsOf(null)).toBeNull();
    expect(roiChannelsOf(runSummaryCodec.tryDecode(stored))).toEqual({
      A: { roi: { mean: 1, q05: 0.5, q95: 1.5 } },
    });
    expect(runSummaryCodec.tryDecode({ channels: { A: { roi: { mean: "x" } } } })).toBeNull();
  });
});
