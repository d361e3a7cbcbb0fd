/**
 * JSON with object keys sorted at every level. PostgreSQL's jsonb does not keep key order, so
 * "is this the same config/mapping as stored?" must compare canonical forms.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
