/** better-auth client errors in plain words. */
export function authErrorMessage(
  error: { status?: number; message?: string; code?: string } | null | undefined,
): string {
  if (!error) return "Something went wrong. Try again.";
  if (error.status === 429) return "Too many attempts from this device. Wait a minute, then try again.";
  if (error.code === "INVALID_EMAIL_OR_PASSWORD") return "That email and password do not match an account.";
  if (error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    return "An account with this email already exists. Sign in instead.";
  return error.message || "Something went wrong. Try again.";
}
