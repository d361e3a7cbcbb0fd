import { describe, expect, it } from "vitest";
import { compareRoi } from "./refresh.ts";

describe("refresh comparison", () => {
  it("computes deltas and flags means outside the previous 90% interval", () => {
    const previous = {
      runId: "prev",
      finishedAt: new Date("2026-11-16T08:00:00Z"),
      roi: {
        TV: { mean: 2, q05: 1.5, q95: 2.5 },
        Search: { mean: 1, q05: 0.8, q95: 1.2 },
        Radio: { mean: 0, q05: -0.1, q95: 0.1 },
      },
    };
    const cmp = compareRoi(
      {
        TV: { mean: 2.4, q05: 2, q95: 2.9 }, // inside [1.5, 2.5]
        Search: { mean: 1.3, q05: 1.1, q95: 1.5 }, // above 1.2
        Radio: { mean: 0.05, q05: 0, q95: 0.1 },
        TikTok: { mean: 3, q05: 2, q95: 4 },
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
});
