import { describe, expect, it } from "vitest";
import { explainDiagnostics } from "./diagnostics-text.ts";

describe("explainDiagnostics", () => {
  it("says in words that chains disagreed, with the numbers", () => {
    const m = explainDiagnostics({ rhatMax: 1.08, essBulkMin: 900, divergences: 0, converged: false });
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ severity: "danger", title: "The chains did not agree (R-hat 1.08 > 1.01)" });
    expect(m[0]!.detail).toMatch(/not reliable.*more warmup/);
  });

  it("a clean fit has no warnings; divergences and low ESS are reported", () => {
    expect(
      explainDiagnostics({
        rhatMax: 1.002,
        essBulkMin: 1200,
        essTailMin: 800,
        divergences: 0,
        ebfmiMin: 0.9,
        converged: true,
      }),
    ).toEqual([]);
    const m = explainDiagnostics({ rhatMax: 1.0, essBulkMin: 150, divergences: 3, converged: false });
    expect(m.map((x) => x.title)).toEqual([
      "3 divergent transitions",
      "Too few effective draws (ESS 150 < 400)",
    ]);
  });

  it("the ESS a run needs is core's 100 per chain: 200 for 2 chains, 400 for 4", () => {
    const twoChains = { rhatMax: 1.0, essBulkMin: 250, essTailMin: 260, divergences: 0, converged: true };
    expect(explainDiagnostics({ ...twoChains, chains: 2 })).toEqual([]);
    expect(explainDiagnostics({ ...twoChains, chains: 4 }).map((x) => x.title)).toEqual([
      "Too few effective draws (ESS 250 < 400)",
    ]);
    // unknown chain count: the worker's default of 4
    expect(explainDiagnostics(twoChains).map((x) => x.title)).toEqual([
      "Too few effective draws (ESS 250 < 400)",
    ]);
  });

  it("a few divergences under the 0.5 % limit are a warning with the share; above it, danger", () => {
    const few = explainDiagnostics({
      rhatMax: 1.004,
      essBulkMin: 1500,
      essTailMin: 1200,
      divergences: 1,
      draws: 4000,
      converged: true,
    });
    expect(few).toEqual([
      expect.objectContaining({
        severity: "warning",
        title: "1 divergent transition (0.03 % of 4000 draws)",
      }),
    ]);
    expect(few[0]!.detail).toMatch(/counts as converged/);
    const many = explainDiagnostics({
      rhatMax: 1.004,
      essBulkMin: 1500,
      divergences: 40,
      draws: 4000,
      converged: false,
    });
    expect(many[0]).toMatchObject({
      severity: "danger",
      title: "40 divergent transitions (1.00 % of 4000 draws)",
    });
  });

  it("a non-converged run always gets a danger message, even without numeric cause", () => {
    const m = explainDiagnostics({ converged: false, reasons: ["max R-hat 1.2"] });
    expect(m).toEqual([{ severity: "danger", title: "The fit did not converge", detail: "Max R-hat 1.2." }]);
  });
});
