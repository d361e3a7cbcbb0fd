import { describe, expect, it } from "vitest";
import {
  describeCsvError,
  liftTestCsvTemplate,
  MAX_LIFT_TEST_ROWS,
  parseLiftTestCsv,
} from "./lift-test-csv.ts";

const header = "channel,start,end,geos,lift,se,spend,source";

describe("parseLiftTestCsv", () => {
  it("reads the template: two tests, geos split on ; and the optional columns kept", () => {
    const { rows, errors } = parseLiftTestCsv(liftTestCsvTemplate);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 2,
        channel: "tv_spend",
        start: "2024-03-04",
        end: "2024-03-31",
        geos: [],
        lift: 12500,
        se: 3000,
        spend: 40000,
        source: "Geo holdout by the agency",
        notes: "national on/off",
      },
      {
        row: 3,
        channel: "facebook_spend",
        start: "2024-05-06",
        end: "2024-05-26",
        geos: ["north", "south"],
        lift: 4200,
        se: 1100,
        spend: 15000,
        source: "Conversion lift study",
      },
    ]);
  });

  it("names the row and column of every problem, in plain words", () => {
    const csv = [
      header,
      "tv_spend,2024-03-04,2024-03-31,,1200,300,40000,ok",
      ",2024-02-30,March 9,,12k,-1,0,",
      "",
      'radio,2024-04-10,2024-04-01,,"1,200",10,5,',
      "tv_spend,2024-03-04,2024-03-31,,1200,300,40000,again",
    ].join("\n");
    const { rows, errors } = parseLiftTestCsv(csv);
    expect(errors.map(describeCsvError)).toEqual([
      "Row 3, column channel: is empty: name the channel as the model calls it (e.g. tv_spend)",
      'Row 3, column start: "2024-02-30" is not a calendar date',
      'Row 3, column end: "March 9" is not a date written as YYYY-MM-DD (e.g. 2024-03-04)',
      'Row 3, column lift: "12k" is not a number (the measured lift in KPI units)',
      "Row 3, column se: must be above 0 (got -1): the standard error of the measured lift",
      "Row 3, column spend: must be above 0 (got 0): the spend during the test sets its weight",
      "Row 5, column end: 2024-04-01 is before the start date 2024-04-10",
      'Row 5, column lift: "1,200" has a thousands separator: write it as 1200',
      "Row 6: repeats the test of row 2",
    ]);
    // the rows without a problem are still there, for the preview
    expect(rows.map((r) => r.row)).toEqual([2]);
  });

  it("checks the header: required columns, unknown and repeated ones; header names in any case", () => {
    expect(
      parseLiftTestCsv("Channel,Start,End,Lift,SE,Spend\ntv,2024-01-01,2024-01-28,1,1,1\n").errors,
    ).toEqual([]);
    const { errors } = parseLiftTestCsv("channel,start,finish,lift,lift,spend\n");
    expect(errors.map(describeCsvError)).toEqual([
      "Row 1, column finish: unknown column; the columns are channel, start, end, geos, lift, se, spend, source, notes",
      "Row 1, column lift: the column appears twice",
      "Row 1, column end: missing from the header row (needed: channel, start, end, lift, se, spend)",
      "Row 1, column se: missing from the header row (needed: channel, start, end, lift, se, spend)",
    ]);
    expect(parseLiftTestCsv("").errors[0]!.message).toContain("the file is empty");
    expect(parseLiftTestCsv(`${header}\n\n`).errors.map(describeCsvError)).toEqual([
      "Row 2: no tests below the header row",
    ]);
  });

  it(`refuses more than ${MAX_LIFT_TEST_ROWS} tests`, () => {
    const lines = [header];
    for (let i = 0; i <= MAX_LIFT_TEST_ROWS; i++) lines.push(`tv,2024-01-01,2024-01-28,,${i},1,1,`);
    const { errors } = parseLiftTestCsv(lines.join("\n"));
    expect(errors).toEqual([
      {
        row: MAX_LIFT_TEST_ROWS + 2,
        column: null,
        message: `more than ${MAX_LIFT_TEST_ROWS} tests in one file: split it`,
      },
    ]);
  });
});
