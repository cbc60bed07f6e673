import crypto from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** Current parameters; each hash records its own so they can be raised later. */
export const currentParams = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

interface Params {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

function format(params: Params, salt: Buffer, hash: Buffer): string {
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function parse(stored: string): { params: Params; salt: Buffer; hash: Buffer } | null {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const hash = Buffer.from(m[5], "base64");
  return {
    params: { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), keylen: hash.length },
    salt: Buffer.from(m[4], "base64"),
    hash,
  };
}

function derive(secret: string, salt: Buffer, params: Params): Promise<Buffer> {
  return scrypt(secret.normalize("NFKC"), salt, params.keylen, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r,
  });
}

/** Hashes a password (or one-time code) with scrypt and a random 16-byte salt. */
export async function hashSecret(secret: string, params: Params = currentParams): Promise<string> {
  const salt = crypto.randomBytes(16);
  return format(params, salt, await derive(secret, salt, params));
}

/** Constant-time check of `secret` against a stored hash; false for malformed hashes. */
export async function verifySecret(secret: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) {
    // Spend the same time as a real check so unknown accounts are not revealed by timing.
    await derive(secret, crypto.randomBytes(16), currentParams);
    return false;
  }
  const candidate = await derive(secret, parsed.salt, parsed.params);
  return candidate.length === parsed.hash.length && crypto.timingSafeEqual(candidate, parsed.hash);
}

/** True when a stored hash uses weaker parameters than today's and should be re-hashed. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N < currentParams.N || parsed.params.keylen < currentParams.keylen;
}
