import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next.ts";

describe("safeNextPath", () => {
  it("keeps same-origin relative paths with their query and hash", () => {
    expect(safeNextPath("/w/abc/runs")).toBe("/w/abc/runs");
    expect(safeNextPath("/invite/inv_1?from=mail#top")).toBe("/invite/inv_1?from=mail#top");
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath("")).toBe("/");
  });

  it.each([
    "//evil.example",
    "//evil.example/w/abc",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /w/abc",
  ])("sends %j to / instead of off-site", (raw) => {
    const target = safeNextPath(raw);
    expect(target).toBe("/");
    // What the browser would do with it: still on this site.
    expect(new URL(target, "http://app.test").origin).toBe("http://app.test");
  });
});
