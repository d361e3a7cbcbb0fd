// Password hashes in exactly better-auth's format (`better-auth/crypto` hashPassword, which uses
// @better-auth/utils/password): scrypt N=16384 r=16 p=1 dkLen=64 over the NFKC-normalised password,
// salt = 16 random bytes as hex (used as the salt *string*), stored as "<salt>:<key hex>".
// packages/db must not depend on the web app's auth library, so the seed hashes with node:crypto.
import { randomBytes, scrypt } from "node:crypto";

const params = { N: 16384, r: 16, p: 1, dkLen: 64 } as const;

function deriveKey(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      params.dkLen,
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(
  password: string,
  salt: string = randomBytes(16).toString("hex"),
): Promise<string> {
  return `${salt}:${(await deriveKey(password, salt)).toString("hex")}`;
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const [salt, key] = hash.split(":");
  if (!salt || !key) return false;
  return (await deriveKey(password, salt)).toString("hex") === key;
}
