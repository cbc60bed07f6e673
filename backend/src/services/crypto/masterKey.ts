import crypto from "node:crypto";
import { env } from "../../env.js";

const cache = new Map<string, Buffer>();

/**
 * A 256-bit key for one purpose, derived from MASTER_KEY with HKDF-SHA256. Purposes are
 * fixed strings ("outbox", "escrow", "totp", ...) so keys never mix across uses.
 */
export function deriveKey(purpose: string): Buffer {
  const master = env().MASTER_KEY;
  const cacheKey = `${purpose}\0${master}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = Buffer.from(
      crypto.hkdfSync("sha256", Buffer.from(master, "base64"), Buffer.alloc(0), `kuvert:${purpose}`, 32),
    );
    cache.set(cacheKey, key);
  }
  return key;
}
