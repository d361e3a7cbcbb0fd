// A fit whose summaries hold NaN or Infinity (an overflow in the data or the sampler) must not
// "succeed": JSON would turn those numbers into nulls and the run's insights would be blank.

/**
 * Convergence diagnostics of a summary: NaN is a legitimate answer there (R-hat of a fast-mode
 * fit with one chain, ESS of a constant), unlike in the estimates themselves.
 */
const DIAGNOSTIC_KEYS = new Set(["rhat", "essBulk", "essTail"]);

/** Path of the first non-finite number in `value` (e.g. `channels.TV.roi.mean`), or null. */
export function firstNonFinite(value: unknown, path = ""): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : path || "(value)";
  if (value === null || typeof value !== "object") return null;
  if (ArrayBuffer.isView(value)) {
    const array = value as unknown as ArrayLike<number>;
    for (let i = 0; i < array.length; i++)
      if (typeof array[i] === "number" && !Number.isFinite(array[i])) return `${path}[${i}]`;
    return null;
  }
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const);
  for (const [key, v] of entries) {
    if (DIAGNOSTIC_KEYS.has(key.replace(/^\./, ""))) continue;
    const found = firstNonFinite(v, path ? `${path}${key}` : key.replace(/^\./, ""));
    if (found) return found;
  }
  return null;
}

/** The reason a fit's summaries are unusable, or null when every summary number is finite. */
export function nonFiniteSummaryReason(fit: { parameters: unknown; channels: unknown }): string | null {
  const where = firstNonFinite({ channels: fit.channels, parameters: fit.parameters });
  if (!where) return null;
  return `The fit produced a number that is not finite (NaN or infinity) at ${where}. The data likely holds values too large to model (check the dataset for absurd amounts), or the model diverged; the run was not stored.`;
}
