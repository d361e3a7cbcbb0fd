export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return x.toLocaleString(undefined, {
    maximumFractionDigits: digits,
    minimumFractionDigits: Math.abs(x) < 10 ? Math.min(digits, 2) : 0,
  });
}

/**
 * What charts put next to money for a workspace currency: the narrow symbol where there is one
 * ("$", "€", "£"), else the ISO code ("CHF"); "" when the workspace has not set a currency (charts
 * then say "dataset currency").
 */
export function currencySymbol(code: string | null | undefined): string {
  if (!code) return "";
  try {
    const part = new Intl.NumberFormat("en", {
      style: "currency",
      currency: code,
      currencyDisplay: "narrowSymbol",
    })
      .formatToParts(0)
      .find((p) => p.type === "currency");
    return part?.value ?? code;
  } catch {
    return code;
  }
}

/** One unit of a units KPI in words: "conversions" -> "conversion", "sign_ups" -> "sign up". */
export function unitLabel(kpiName: string | null | undefined): string {
  const words = (kpiName ?? "unit").replace(/[_-]+/g, " ").trim().toLowerCase() || "unit";
  return words.endsWith("ies") ? `${words.slice(0, -3)}y` : words.endsWith("s") ? words.slice(0, -1) : words;
}
