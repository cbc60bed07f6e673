import crypto from "node:crypto";
import { Op, literal, type Transaction } from "sequelize";
import { VerificationCode } from "../models/VerificationCode.js";
import type { User } from "../models/User.js";
import { enqueueSms } from "../outbox/enqueue.js";
import { appError } from "../errors.js";
import { deriveKey } from "./crypto/masterKey.js";
import { clock } from "./clock.js";
import { customCodeSms, loadBranding, type CodeSmsKind } from "./notificationTexts/texts.js";

/** A code is valid this long (SPEC S3: short-lived). */
export const SMS_CODE_TTL_MS = 10 * 60 * 1000;
/** Tries per code; the try that reaches the limit kills the code even if it was right. */
export const SMS_CODE_MAX_TRIES = 5;

/** The purposes a code can be bound to. Phone verification codes are `phone_verify:<phoneId>`. */
export type SmsCodePurpose =
  "login" | "confirm" | "totp_enable" | "backup_codes" | "password_reset" | `phone_verify:${string}`;

/**
 * HMAC-SHA256 under a key derived from MASTER_KEY, over the row id, the user, the purpose and
 * the code: a code is only valid for the row (and so the user and purpose) it was issued for.
 * 6 digits live at most 10 minutes and 5 tries; a keyed hash (not scrypt) is enough because the
 * key is not in the database.
 */
function codeHash(id: string, userId: string, purpose: string, code: string): string {
  return crypto
    .createHmac("sha256", deriveKey("sms-code"))
    .update(`${id}\0${userId}\0${purpose}\0${code}`)
    .digest("hex");
}

/** A uniformly random 6-digit code from the CSPRNG. */
export function generateSmsCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
}

/** Normalises user input: digits only ("123 456" and "123-456" are accepted). */
function normalise(code: string): string {
  return code.replace(/[\s-]/g, "");
}

/**
 * Issues a new code for `purpose`, invalidating any earlier one for the same user and purpose,
 * and sends it by SMS through the outbox (same transaction) to `toE164` or the user's primary
 * mobile. Returns nothing secret. Callers rate-limit issuing (per user and per IP).
 * `brand`: the code SMS of a secure message (opening it, its ID check) is in the words of the
 * sending organisation's notification texts when it has its own (issue 10); else the template.
 */
export async function issueSmsCode(
  t: Transaction,
  user: User,
  purpose: SmsCodePurpose,
  toE164?: string,
  brand?: { organisationId: string | null; kind: CodeSmsKind },
): Promise<void> {
  const to = toE164 ?? user.mobile;
  if (!to) throw appError("no_phone", "There is no mobile number to send a code to");
  const now = clock.now();
  await VerificationCode.update({ usedAt: now }, { where: { userId: user.id, purpose, usedAt: null }, transaction: t });
  const id = crypto.randomUUID();
  const code = generateSmsCode();
  await VerificationCode.create(
    {
      id,
      userId: user.id,
      purpose,
      target: to,
      codeHash: codeHash(id, user.id, purpose, code),
      expiresAt: new Date(now.getTime() + SMS_CODE_TTL_MS),
    },
    { transaction: t },
  );
  // The text names what the code is for, so a code phished for one thing is recognisable.
  const kind = purpose.split(":")[0];
  const minutes = SMS_CODE_TTL_MS / 60_000;
  const custom = brand
    ? customCodeSms(await loadBranding(brand.organisationId, t), brand.kind, user.locale, { code, minutes })
    : null;
  await enqueueSms(t, {
    to,
    template: "security-code",
    locale: user.locale,
    vars: { code, minutes, purpose: kind },
    ...(custom ? { text: custom } : {}),
  });
}

/**
 * Checks `code` against the user's live code for `purpose`. Every call on a live code counts a
 * try (an atomic conditional update, so parallel guesses cannot exceed the limit); a right code
 * is consumed (single use). Compared in constant time.
 *
 * The try is written in `t`: callers must COMMIT `t` when this returns false (return a result
 * from the transaction and throw after it), or the count would roll back with the error.
 */
export async function checkSmsCode(
  t: Transaction,
  user: User,
  purpose: SmsCodePurpose,
  code: string,
  opts: { target?: string } = {},
): Promise<boolean> {
  const now = clock.now();
  const row = await VerificationCode.findOne({
    where: { userId: user.id, purpose, usedAt: null, expiresAt: { [Op.gt]: now } },
    order: [["createdAt", "DESC"]],
    transaction: t,
  });
  if (!row) return false;
  const [counted] = await VerificationCode.update(
    { attempts: literal("attempts + 1") },
    { where: { id: row.id, usedAt: null, attempts: { [Op.lt]: SMS_CODE_MAX_TRIES } }, transaction: t },
  );
  if (counted !== 1) return false;
  const candidate = Buffer.from(codeHash(row.id, user.id, purpose, normalise(code)), "hex");
  const stored = Buffer.from(row.codeHash, "hex");
  const match = candidate.length === stored.length && crypto.timingSafeEqual(candidate, stored);
  if (!match) return false;
  if (opts.target !== undefined && row.target !== opts.target) return false;
  const [used] = await VerificationCode.update(
    { usedAt: now },
    { where: { id: row.id, usedAt: null }, transaction: t },
  );
  return used === 1;
}

/** Invalidates every live code of a user (e.g. on account deletion or a second-factor reset). */
export async function revokeSmsCodes(t: Transaction, userId: string): Promise<void> {
  await VerificationCode.update({ usedAt: clock.now() }, { where: { userId, usedAt: null }, transaction: t });
}

/** Invalidates the user's live code for one purpose (e.g. a code sent to a number since corrected). */
export async function revokeSmsCodesFor(t: Transaction, userId: string, purpose: SmsCodePurpose): Promise<void> {
  await VerificationCode.update({ usedAt: clock.now() }, { where: { userId, purpose, usedAt: null }, transaction: t });
}
