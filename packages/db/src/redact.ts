// Secrets never go to a log: passwords in connection URLs (postgresql://user:secret@host) and
// tokens in links (?token=..., invitation and verification links). Used by every log sink that
// can print a URL or an error message (launcher banner, worker log, pg-boss, web error log).

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]*)@/gi;
const TOKEN_PARAM = /([?&](?:token|access_token|code|secret)=)[^&\s"'<>]+/gi;
const KEY_VALUE_PASSWORD = /\b(password|passwd|pwd)=([^\s&;]+)/gi;

export function redactSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, "$1:***@")
    .replace(TOKEN_PARAM, "$1***")
    .replace(KEY_VALUE_PASSWORD, "$1=***");
}

/** `value` (an Error, a string or anything else) as one log-safe line. */
export function logSafe(value: unknown): string {
  if (value instanceof Error) return redactSecrets(value.stack ?? `${value.name}: ${value.message}`);
  return redactSecrets(typeof value === "string" ? value : String(value));
}
