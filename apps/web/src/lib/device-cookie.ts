// The "known device" cookie of lib/sign-in-throttle.ts: set after a successful sign-in, signed
// with the auth secret and bound to one account's email, so it cannot be forged or moved to
// another account.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const DEVICE_COOKIE = "mixcast_device";
export const DEVICE_COOKIE_MAX_AGE = 180 * 24 * 60 * 60;

const mac = (secret: string, nonce: string, email: string) =>
  createHmac("sha256", secret).update(`mixcast-device|${nonce}|${email.toLowerCase()}`).digest("base64url");

export function issueDeviceCookie(secret: string, email: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${mac(secret, nonce, email)}`;
}

/** The device id (nonce) when `value` is a valid device cookie for `email`, else undefined. */
export function deviceIdFor(secret: string, value: string | undefined, email: string): string | undefined {
  if (!value || value.length > 200) return undefined;
  const [nonce, sig] = value.split(".");
  if (!nonce || !sig) return undefined;
  const expected = Buffer.from(mac(secret, nonce, email));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : undefined;
}

export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
