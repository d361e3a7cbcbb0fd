import { describe, expect, it } from "vitest";
import { passwordProblems } from "./password-rules.ts";

describe("passwordProblems", () => {
  it("accepts a long password with letters and digits", () => {
    expect(passwordProblems("correct horse 42")).toEqual([]);
  });
  it("rejects short, letter-only, digit-only and email-derived passwords", () => {
    expect(passwordProblems("abc123")).toContain("Use at least 10 characters.");
    expect(passwordProblems("onlyletterspassword")).toContain("Include at least one digit.");
    expect(passwordProblems("12345678901")).toContain("Include at least one letter.");
    expect(passwordProblems("maria.k2024xx", "maria.k@example.com")).toContain(
      "Do not include your email name in the password.",
    );
  });
});
