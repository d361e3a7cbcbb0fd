// Invitation link tokens are stored only as a sha256 hash; comparing hashes in constant time.
import { createHash, timingSafeEqual } from "node:crypto";

export function invitationTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function invitationTokenMatches(token: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(invitationTokenHash(token), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
