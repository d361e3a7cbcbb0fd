/** The worker lost its claim on the run (another worker took it over, or it was cancelled/failed). */
export class LostClaimError extends Error {
  override name = "LostClaimError";
}
