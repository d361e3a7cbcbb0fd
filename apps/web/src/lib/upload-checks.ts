// What the upload page shows before a dataset is saved (issues 14 and 17): the data checks of
// docs/trust.md section 1 for the current mapping, and per-geo series for the small multiples.
// Pure and browser-safe (core's parsers and checkData); the parse and the holdout are those of the
// model a "New model" on this dataset would start with (create-model.ts's defaults).
import {
  checkData,
  modelConfigSchema,
  parseDatasetCsv,
  parseDatasetV2Csv,
  parseModelConfigV2,
  type ColumnMapping,
  type DataCheckReport,
  type DataIssue,
  type DataMappingV2,
  type DatasetV2,
} from "@mixcast/core";

export type UploadCheck =
  | { ok: true; report: DataCheckReport; holdoutWeeks: number; dataset: DatasetV2 | null }
  | { ok: false; errorCount: number; errors: DataIssue[] };

/**
 * Parses the CSV under the mapping as saving would (v1 mapping: v1 parser; otherwise v2) and runs
 * checkData on the training weeks of a default model. `dataset` is the v2 parse (geo files), for
 * the per-geo preview; null for v1 files (one series, no geo).
 */
export function checkUpload(csv: string, mapping: DataMappingV2, v1: ColumnMapping | null): UploadCheck {
  if (v1) {
    const { holdoutWeeks } = modelConfigSchema.parse({
      date: v1.date,
      kpi: v1.kpi,
      channels: v1.channels.map((c) => ({ column: c.column, type: c.type })),
      controls: v1.controls ?? [],
      events: v1.events ?? [],
    });
    const parsed = parseDatasetCsv(csv, v1, { holdoutWeeks });
    if (!parsed.ok) return { ok: false, errorCount: parsed.errorCount, errors: parsed.errors };
    return { ok: true, report: checkData(parsed.dataset, { holdoutWeeks }), holdoutWeeks, dataset: null };
  }
  let config;
  try {
    config = parseModelConfigV2({
      ...mapping,
      controls: mapping.controls ?? [],
      events: mapping.events ?? [],
    });
  } catch (error) {
    // The mapping itself is refused (the save would refuse it too): nothing to check yet.
    return {
      ok: false,
      errorCount: 1,
      errors: [{ message: error instanceof Error ? error.message : String(error) }],
    };
  }
  const parsed = parseDatasetV2Csv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) return { ok: false, errorCount: parsed.errorCount, errors: parsed.errors };
  return {
    ok: true,
    report: checkData(parsed.dataset, { holdoutWeeks: config.holdoutWeeks }),
    holdoutWeeks: config.holdoutWeeks,
    dataset: parsed.dataset,
  };
}

export interface GeoSeries {
  geo: string;
  dates: string[];
  kpi: number[];
  /** Spend of every paid channel (R&F included) summed, per week; organic channels have none. */
  spend: number[];
  totalKpi: number;
  totalSpend: number;
}

/** One series per geo of a parsed long file, largest KPI first (ties: by name). */
export function perGeoSeries(dataset: DatasetV2): GeoSeries[] {
  const out = dataset.geos.map((geo, g) => {
    const kpi = Array.from(dataset.kpi[g] ?? []);
    const spend = dataset.dates.map((_, t) =>
      dataset.channels.reduce((sum, ch) => sum + (ch.spend?.[g]?.[t] ?? 0), 0),
    );
    return {
      geo,
      dates: dataset.dates,
      kpi,
      spend,
      totalKpi: kpi.reduce((a, b) => a + b, 0),
      totalSpend: spend.reduce((a, b) => a + b, 0),
    };
  });
  return out.sort((a, b) => b.totalKpi - a.totalKpi || a.geo.localeCompare(b.geo));
}

/** Small multiples drawn at once; more geos are paged through with a selector. */
export const GEOS_PER_PAGE = 12;

/** The pages of geos for the selector: "Largest 12 by KPI", "Geos 13–24 by KPI", ... */
export function geoPages(
  series: readonly GeoSeries[],
  size = GEOS_PER_PAGE,
): { label: string; geos: GeoSeries[] }[] {
  const pages: { label: string; geos: GeoSeries[] }[] = [];
  for (let i = 0; i < series.length; i += size) {
    const geos = series.slice(i, i + size);
    pages.push({
      label:
        i === 0
          ? `Largest ${geos.length} by KPI`
          : `Geos ${i + 1}–${i + geos.length} by KPI (${geos[0]!.geo} … ${geos[geos.length - 1]!.geo})`,
      geos,
    });
  }
  return pages;
}
