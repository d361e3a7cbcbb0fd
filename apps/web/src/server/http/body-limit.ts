// Request-body limits, enforced before a body is parsed: a Content-Length over the limit is
// refused without reading, and a body without one is read only up to the limit.

export const MIB = 1024 * 1024;
/** Most tRPC calls carry a few kilobytes of JSON. */
export const TRPC_BODY_LIMIT = 1 * MIB;
/** dataset.upload carries the CSV text (at most 20 MB, MAX_CSV_CHARS) inside JSON. */
export const UPLOAD_BODY_LIMIT = 24 * MIB;
/** better-auth's sign-in, sign-up and account requests. */
export const AUTH_BODY_LIMIT = 64 * 1024;

/** The body's bytes, or null when it is larger than `limit` (then at most `limit` + one chunk were read). */
export async function readBodyCapped(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

/** The same request with another (already read) body. */
export function withBody(request: Request, body: Uint8Array | string): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new Request(request.url, {
    method: request.method,
    headers,
    body: body as BodyInit,
    signal: request.signal,
  });
}

export function describeLimit(bytes: number): string {
  return bytes >= MIB ? `${Math.round(bytes / MIB)} MB` : `${Math.round(bytes / 1024)} KB`;
}
