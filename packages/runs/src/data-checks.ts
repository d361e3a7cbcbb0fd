// The data checks of what a run fits (docs/trust.md section 1), read the way the worker reads a
// run's inputs (decodeStoredModelConfig, then the v1 or v2 parser), so the model page, the web's
// run start and the scheduler judge exactly the data the fit would see.
import {
  checkData,
  parseDatasetCsv,
  parseDatasetV2Csv,
  type DataCheckReport,
  type DataFinding,
} from "@mixcast/core";
import { decodeStoredModelConfig } from "./stored/model-config.ts";
import { findingLabel, type OverriddenFinding } from "./stored/overridden-checks.ts";

/**
 * checkData on a dataset version's CSV under a stored config; null when the config or the data
 * does not parse (the run itself fails with those errors, so there is nothing to gate).
 */
export function checkRunData(csv: string, storedConfig: unknown): DataCheckReport | null {
  let stored;
  try {
    stored = decodeStoredModelConfig(storedConfig);
  } catch {
    return null;
  }
  if (stored.version === 2) {
    const parsed = parseDatasetV2Csv(csv, stored.config, { holdoutWeeks: stored.config.holdoutWeeks });
    return parsed.ok ? checkData(parsed.dataset, { holdoutWeeks: stored.config.holdoutWeeks }) : null;
  }
  const parsed = parseDatasetCsv(csv, stored.config, { holdoutWeeks: stored.config.holdoutWeeks });
  return parsed.ok ? checkData(parsed.dataset, { holdoutWeeks: stored.config.holdoutWeeks }) : null;
}

/** The blocking findings of a report, as stored on an overriding run. */
export function blockingFindings(report: DataCheckReport | null): OverriddenFinding[] {
  if (!report) return [];
  return report.findings
    .filter((f: DataFinding) => f.severity === "blocking")
    .map((f) => ({
      code: f.code,
      columns: [...f.columns],
      value: Number.isFinite(f.value) ? f.value : null,
      threshold: Number.isFinite(f.threshold) ? f.threshold : null,
      message: f.message,
    }));
}

/** "2 blocking data checks: near-duplicate (a, b); control-constant (promo)". */
export function describeBlocking(findings: readonly OverriddenFinding[]): string {
  return `${findings.length} blocking data check${findings.length === 1 ? "" : "s"}: ${findings.map(findingLabel).join("; ")}`;
}
