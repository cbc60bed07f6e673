import crypto from "node:crypto";
import speakeasy from "speakeasy";
import { Op, type Transaction } from "sequelize";
import { UserTotp } from "../models/UserTotp.js";
import type { User } from "../models/User.js";
import { seal, openText } from "./crypto/seal.js";
import { clock } from "./clock.js";

/** RFC 6238 parameters used with authenticator apps: SHA-1, 30-second steps, 6 digits. */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted either side of now (±30 s). */
export const TOTP_WINDOW = 1;
const ISSUER = "Kuvert";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding (what authenticator apps expect in otpauth URIs). */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A new 160-bit secret (RFC 4226 recommends 160 bits), base32. */
export function generateTotpSecret(): string {
  return base32Encode(crypto.randomBytes(20));
}

/** The time step (counter) for a moment. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/**
 * The code for a time step. speakeasy's defaults are traps (ASCII secrets), so the encoding is
 * always passed explicitly as base32.
 */
export function totpCodeForStep(secretBase32: string, step: number, digits = TOTP_DIGITS): string {
  return speakeasy.totp({
    secret: secretBase32,
    encoding: "base32",
    algorithm: "sha1",
    digits,
    step: TOTP_STEP_SECONDS,
    counter: step,
  });
}

/** The code at a time (seconds since the epoch), as in RFC 6238's test vectors. */
export function totpCodeAt(secretBase32: string, timeSeconds: number, digits = TOTP_DIGITS): string {
  return speakeasy.totp({
    secret: secretBase32,
    encoding: "base32",
    algorithm: "sha1",
    digits,
    step: TOTP_STEP_SECONDS,
    time: timeSeconds,
  });
}

/**
 * The time step within ±TOTP_WINDOW of `at` whose code equals `code`, or null. Every step in
 * the window is computed and compared in constant time (no early exit).
 */
export function matchTotpStep(secretBase32: string, code: string, at: Date, digits = TOTP_DIGITS): number | null {
  const given = Buffer.from(code.replace(/\s/g, ""));
  const now = totpStep(at);
  let found: number | null = null;
  for (let d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
    const expected = Buffer.from(totpCodeForStep(secretBase32, now + d, digits));
    const same = expected.length === given.length && crypto.timingSafeEqual(expected, given);
    if (same && found === null) found = now + d;
  }
  return found;
}

/** The otpauth:// URI an authenticator app scans. */
export function otpauthUri(secretBase32: string, account: string): string {
  return speakeasy.otpauthURL({
    secret: secretBase32,
    encoding: "base32",
    label: `${ISSUER}:${account}`,
    issuer: ISSUER,
    type: "totp",
    algorithm: "sha1",
    digits: TOTP_DIGITS,
    period: TOTP_STEP_SECONDS,
  });
}

const activeAad = (userId: string) => userId;
const pendingAad = (userId: string) => `${userId}:pending`;

async function row(t: Transaction, userId: string): Promise<UserTotp | null> {
  return UserTotp.findByPk(userId, { transaction: t });
}

/** True when the user has an active authenticator. */
export async function totpEnabled(userId: string, t: Transaction | null): Promise<boolean> {
  const r = await UserTotp.findByPk(userId, { transaction: t });
  return Boolean(r?.enabled && r.secretSealed);
}

/** The authenticator as its owner sees it: on since when, and whether an enrolment waits for its first code. */
export async function totpStatus(
  userId: string,
  t: Transaction | null,
): Promise<{ enabled: boolean; enabledAt: Date | null; enrolmentPending: boolean }> {
  const r = await UserTotp.findByPk(userId, { transaction: t });
  return {
    enabled: Boolean(r?.enabled),
    enabledAt: r?.enabledAt ?? null,
    enrolmentPending: Boolean(r?.pendingSecretSealed),
  };
}

/**
 * Starts enrolment: a new pending secret (sealed), replacing any earlier pending one. The
 * active secret (if any) stays active until a first valid code confirms the new one.
 */
export async function startTotpEnrolment(t: Transaction, user: User): Promise<{ secret: string; otpauthUri: string }> {
  const secret = generateTotpSecret();
  const pendingSecretSealed = seal("totp", secret, pendingAad(user.id));
  const existing = await row(t, user.id);
  if (existing) await existing.update({ pendingSecretSealed }, { transaction: t });
  else await UserTotp.create({ userId: user.id, pendingSecretSealed }, { transaction: t });
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

/**
 * Confirms enrolment with a first code from the app; on success the pending secret becomes
 * the active one and its step is recorded (so the same code cannot sign in afterwards).
 */
export async function confirmTotpEnrolment(t: Transaction, user: User, code: string): Promise<boolean> {
  const r = await row(t, user.id);
  if (!r?.pendingSecretSealed) return false;
  const secret = openText("totp", r.pendingSecretSealed, pendingAad(user.id));
  const step = matchTotpStep(secret, code, clock.now());
  if (step === null) return false;
  await r.update(
    {
      secretSealed: seal("totp", secret, activeAad(user.id)),
      pendingSecretSealed: null,
      enabled: true,
      enabledAt: clock.now(),
      lastStep: step,
    },
    { transaction: t },
  );
  return true;
}

/**
 * Verifies a code of the active authenticator with replay protection: the matching step must
 * be later than the last accepted one, recorded by a conditional update so two parallel uses
 * of one code cannot both succeed.
 */
export async function verifyTotp(t: Transaction, user: User, code: string): Promise<boolean> {
  const r = await row(t, user.id);
  if (!r?.enabled || !r.secretSealed) return false;
  const secret = openText("totp", r.secretSealed, activeAad(user.id));
  const step = matchTotpStep(secret, code, clock.now());
  if (step === null) return false;
  const [updated] = await UserTotp.update(
    { lastStep: step },
    {
      where: { userId: user.id, enabled: true, [Op.or]: [{ lastStep: null }, { lastStep: { [Op.lt]: step } }] },
      transaction: t,
    },
  );
  return updated === 1;
}

/** Turns TOTP off and forgets the secrets (a later enrolment starts from a new secret). */
export async function disableTotp(t: Transaction, userId: string): Promise<boolean> {
  const r = await row(t, userId);
  if (!r) return false;
  const wasEnabled = r.enabled;
  await r.update(
    { enabled: false, enabledAt: null, secretSealed: null, pendingSecretSealed: null },
    { transaction: t },
  );
  return wasEnabled;
}
