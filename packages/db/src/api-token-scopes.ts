// API token scopes: plain data, safe to import in browser code (no node: modules).
export const API_TOKEN_SCOPES = ["datasets:write", "runs:read", "reports:read"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const API_TOKEN_SCOPE_DESCRIPTIONS: Record<ApiTokenScope, string> = {
  "datasets:write": "List datasets, read their latest version as CSV and add new versions.",
  "runs:read": "List runs and read a run's status, diagnostics and ROI summary.",
  "reports:read": "Read each model's approved numbers (ROI by channel with intervals).",
};
