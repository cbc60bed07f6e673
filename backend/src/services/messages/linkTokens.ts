import crypto from "node:crypto";

/**
 * Recipient link tokens (/r/<token>): 32 random bytes, base64url. Only the SHA-256 is stored;
 * a plain hash suffices because the token has 256 bits of entropy (nothing to brute-force).
 */
export function newLinkToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

/** The shape of a token in a URL; anything else is rejected before touching the database. */
export const linkTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}
