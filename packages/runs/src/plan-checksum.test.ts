import { describe, expect, it } from "vitest";
import { planChecksum, scenarioChecksum } from "./scenario-evaluation.ts";
import { scenarioPlanSchema } from "./stored/scenario-plan.ts";

const plan = (planning?: unknown) =>
  scenarioPlanSchema.parse({
    weeks: 2,
    spend: { TV: [100, 100], Search: [50, 60] },
    ...(planning === undefined ? {} : { planning }),
  });

describe("planChecksum: the cache key of a scenario evaluation", () => {
  it("changes when a v2 plan's geo split, frequency or organic level changes", () => {
    const keys = [
      scenarioChecksum(plan()),
      scenarioChecksum(plan({ geoPlan: "perGeo" })),
      scenarioChecksum(plan({ frequency: { YouTube: 2 } })),
      scenarioChecksum(plan({ frequency: { YouTube: 3 } })),
      scenarioChecksum(plan({ organic: { Newsletter: 1000 } })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps the key of plans with default choices (results stored before stay valid)", () => {
    // The key of a plan without choices, as it was computed before choices counted.
    const before = "7dfb281f";
    const none = scenarioChecksum(plan());
    expect(scenarioChecksum(plan({ geoPlan: "national", frequency: {}, organic: {} }))).toBe(none);
    expect(none.slice(0, 8)).toBe(before);
  });

  it("does not depend on the order of channels", () => {
    const a = scenarioPlanSchema.parse({ weeks: 1, spend: { TV: [1], Search: [2] } });
    const b = scenarioPlanSchema.parse({ weeks: 1, spend: { Search: [2], TV: [1] } });
    expect(planChecksum(a, {})).toBe(planChecksum(b, {}));
    const fa = plan({ frequency: { A: 2, B: 3 } });
    const fb = plan({ frequency: { B: 3, A: 2 } });
    expect(scenarioChecksum(fa)).toBe(scenarioChecksum(fb));
  });
});
