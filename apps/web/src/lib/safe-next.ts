// Where to go after signing in or up: only a path on this site. `?next=` comes from the URL, so
// an attacker can set it; without this check a sign-in link could send a user to any host.
const BASE = "http://mixcast.invalid";

/**
 * `raw` if it is a same-origin relative path (`/w/abc/runs?x=1#y`), otherwise `/`.
 * Rejects protocol-relative (`//host`), backslash forms (`/\host`, which browsers read as
 * `//host`), any scheme (`javascript:`, `https:`), and control characters (browsers drop tabs
 * and newlines, so `/\t/host` would become `//host`).
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//")) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
