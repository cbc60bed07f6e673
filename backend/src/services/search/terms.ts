import crypto from "node:crypto";
import { deriveKey } from "../crypto/masterKey.js";

const MIN_PREFIX = 3;
const MAX_PREFIX = 16;
const MAX_WORDS = 2_000;

/** Lower-case words of letters and digits (Unicode-aware: å, ä, ö, é …). */
export function words(text: string): string[] {
  return (
    text
      .normalize("NFC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => w.length >= 2);
}

/** Every searchable form of a word: the word itself and its prefixes of 3–16 characters. */
export function forms(word: string): string[] {
  const out = new Set<string>([word.slice(0, MAX_PREFIX * 2)]);
  for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n++) out.add(word.slice(0, n));
  return [...out];
}

function userKey(userId: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", deriveKey("search"), Buffer.from(userId), "kuvert:search:v1", 32));
}

/** The blind term for `form`: HMAC-SHA256 under the reader's search key, 128 bits, base64url. */
export function blindTerm(key: Buffer, form: string): string {
  return crypto.createHmac("sha256", key).update(form).digest().subarray(0, 16).toString("base64url");
}

/** All blind terms of the given texts for one reader (deduplicated, bounded). */
export function termsFor(userId: string, texts: Array<string | null | undefined>): string[] {
  const key = userKey(userId);
  const all = new Set<string>();
  const seen = new Set<string>();
  for (const text of texts) {
    for (const w of words(text ?? "")) {
      if (seen.size >= MAX_WORDS) break;
      if (seen.has(w)) continue;
      seen.add(w);
      for (const f of forms(w)) all.add(blindTerm(key, f));
    }
  }
  return [...all];
}

/** The blind terms a query must all match: one per query word (words shorter than 3 characters are too short to search). */
export function queryTerms(userId: string, query: string): string[] {
  const key = userKey(userId);
  const qs = [...new Set(words(query))].filter((w) => w.length >= MIN_PREFIX).slice(0, 8);
  return qs.map((w) => blindTerm(key, w.length > MAX_PREFIX ? w.slice(0, MAX_PREFIX * 2) : w));
}
