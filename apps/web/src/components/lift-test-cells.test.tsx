// The lift-test measurement columns shared by the registry and the import preview: one header per
// cell, in the same order, and a test's values as both tables show them.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LiftTestCells, LiftTestHeadCells } from "@/components/lift-test-cells.tsx";

const texts = (html: string, tag: "th" | "td") =>
  [...html.matchAll(new RegExp(`<${tag}[^>]*>(.*?)</${tag}>`, "g"))].map((m) =>
    m[1]!.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, ""),
  );

describe("lift-test measurement cells", () => {
  it("a national test without a source: one cell per header, dashes and 'national' for what is missing", () => {
    const head = texts(renderToStaticMarkup(<LiftTestHeadCells />), "th");
    const cells = texts(
      renderToStaticMarkup(
        <LiftTestCells
          test={{
            channel: "tv_spend",
            start: "2024-03-04",
            end: "2024-03-31",
            geos: [],
            lift: 4000,
            se: 1500,
            spend: 52000,
          }}
        />,
      ),
      "td",
    );
    expect(head).toEqual(["Channel", "Dates", "Geos", "Lift ± se", "Spend", "Source"]);
    expect(cells).toEqual([
      "tv_spend",
      "2024-03-04 – 2024-03-31",
      "national",
      "4,000 ± 1,500",
      "52,000",
      "—",
    ]);
  });

  it("a geo test with a source and a note after the channel (the registry's archived badge)", () => {
    const cells = texts(
      renderToStaticMarkup(
        <LiftTestCells
          test={{
            channel: "facebook_spend",
            start: "2024-05-06",
            end: "2024-05-26",
            geos: ["north", "south"],
            lift: 1500.5,
            se: 600,
            spend: 1800,
            source: "Conversion lift study",
          }}
          channelNote={<span>archived</span>}
        />,
      ),
      "td",
    );
    expect(cells).toEqual([
      "facebook_spend archived",
      "2024-05-06 – 2024-05-26",
      "north, south",
      "1,500.5 ± 600",
      "1,800",
      "Conversion lift study",
    ]);
  });
});
