import { describe, expect, it } from "vitest";
import { currencySymbol } from "./format.ts";

describe("currencySymbol", () => {
  it("gives the narrow symbol where one exists, else the code, and nothing when unset", () => {
    expect(currencySymbol("USD")).toBe("$");
    expect(currencySymbol("EUR")).toBe("€");
    expect(currencySymbol("GBP")).toBe("£");
    expect(currencySymbol("CHF")).toBe("CHF");
    expect(currencySymbol(null)).toBe("");
    expect(currencySymbol("")).toBe("");
    // an unknown code is shown as typed rather than breaking the chart
    expect(currencySymbol("QQQ")).toBe("QQQ");
  });
});
