import { describe, expect, it } from "vitest";
import { isAbortError, isTransientError } from "./errors.ts";

describe("error classification", () => {
  it("treats lost connections and transaction timeouts as transient", () => {
    expect(isTransientError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(
      true,
    );
    expect(isTransientError(Object.assign(new Error("x"), { code: "P2028" }))).toBe(true);
    expect(isTransientError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(
      isTransientError(new Error("wrapped", { cause: Object.assign(new Error("y"), { code: "P1001" }) })),
    ).toBe(true);
  });

  it("treats data, config and engine errors as permanent", () => {
    expect(isTransientError(new Error('Row 2, column "TV": "abc" is not a number'))).toBe(false);
    expect(isTransientError(Object.assign(new Error("unique"), { code: "P2002" }))).toBe(false);
    expect(isTransientError("string error")).toBe(false);
    expect(isAbortError(Object.assign(new Error("stop"), { name: "AbortError" }))).toBe(true);
    expect(isAbortError(new Error("stop"))).toBe(false);
  });
});
