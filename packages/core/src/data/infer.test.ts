import { describe, expect, it } from "vitest";
import { guessChannelType, inferMapping } from "./infer.ts";

describe("guessChannelType", () => {
  it.each([
    ["TV", "traditional"],
    ["tv_spend", "traditional"],
    ["Radio", "traditional"],
    ["OOH", "traditional"],
    ["Print Ads", "traditional"],
    ["Search", "digital"],
    ["GoogleAds", "digital"],
    ["display_cost", "digital"],
    ["Digital", "digital"],
    ["Facebook", "social"],
    ["Instagram", "social"],
    ["TikTok", "social"],
    ["X (Twitter)", "social"],
    ["x_spend", "social"],
    ["Snapchat", "social"],
    ["YouTube", "social"],
    ["Pinterest", "social"],
    ["LinkedIn", "social"],
    ["paid_social", "social"],
    ["Influencer", "influencer"],
    ["creator_fees", "influencer"],
    ["UGC", "influencer"],
    ["instagram_influencer", "influencer"],
  ])("%s -> %s", (name, type) => {
    expect(guessChannelType(name)).toBe(type);
  });

  it.each(["price", "revenue", "date", "box", "extra", "textile"])("%s is no channel", (name) => {
    expect(guessChannelType(name)).toBeNull();
  });
});

describe("inferMapping", () => {
  it("maps the demo brand's columns", () => {
    const headers = [
      "date",
      "revenue",
      "TV",
      "Search",
      "Instagram",
      "Facebook",
      "TikTok",
      "X (Twitter)",
      "Influencer",
      "price",
      "holiday",
      "notes",
    ];
    const rows = [
      {
        date: "2024-01-01",
        revenue: "1000",
        TV: "10",
        Search: "5",
        Instagram: "1",
        Facebook: "2",
        TikTok: "0",
        "X (Twitter)": "1",
        Influencer: "0",
        price: "9.99",
        holiday: "1",
        notes: "new year",
      },
      {
        date: "2024-01-08",
        revenue: "1,100",
        TV: "0",
        Search: "5",
        Instagram: "1",
        Facebook: "2",
        TikTok: "3",
        "X (Twitter)": "1",
        Influencer: "4",
        price: "9.99",
        holiday: "0",
        notes: "",
      },
    ];
    const r = inferMapping(headers, rows);
    expect(r.warnings).toEqual([]);
    expect(r.mapping).toEqual({
      date: "date",
      kpi: "revenue",
      channels: [
        { column: "TV", type: "traditional" },
        { column: "Search", type: "digital" },
        { column: "Instagram", type: "social" },
        { column: "Facebook", type: "social" },
        { column: "TikTok", type: "social" },
        { column: "X (Twitter)", type: "social" },
        { column: "Influencer", type: "influencer" },
      ],
      controls: ["price"],
      events: ["holiday"],
    });
    expect(r.columns.find((c) => c.column === "notes")?.role).toBe("ignore");
  });

  it("falls back to value sniffing for the date and 'other' for spend-like names, and warns", () => {
    const r = inferMapping(
      ["when", "sales", "affiliate_spend", "misc_cost"],
      [{ when: "2024-01-01", sales: "1", affiliate_spend: "2", misc_cost: "3" }],
    );
    expect(r.mapping.date).toBe("when");
    expect(r.mapping.kpi).toBe("sales");
    expect(r.mapping.channels).toEqual([
      { column: "affiliate_spend", type: "digital" },
      { column: "misc_cost", type: "other" },
    ]);
    const none = inferMapping(["a", "b"]);
    expect(none.warnings).toHaveLength(3);
  });
});
