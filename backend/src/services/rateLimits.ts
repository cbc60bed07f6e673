import crypto from "node:crypto";
import { Op, UniqueConstraintError, literal, type Transaction } from "sequelize";
import { RateLimitBucket } from "../models/RateLimitBucket.js";
import { queuedWrite } from "../db.js";
import { clock } from "./clock.js";

export interface RateLimitOptions {
  /** Allowed requests per window. */
  points: number;
  durationSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  consumed: number;
  remaining: number;
  /** Seconds until the window ends. */
  retryAfterSeconds: number;
}

/** Keys are hashed so e-mail addresses and IPs do not sit in the table in clear text. */
function bucketKey(name: string, key: string, durationSeconds: number): string {
  const digest = crypto.createHash("sha256").update(key).digest("base64url");
  return `${name.slice(0, 100)}:${durationSeconds}:${digest}`;
}

async function tryIncrement(k: string, now: Date, transaction?: Transaction): Promise<boolean> {
  const [affected] = await RateLimitBucket.update(
    { points: literal("points + 1") as unknown as number },
    { where: { bucketKey: k, expiresAt: { [Op.gt]: now } }, transaction },
  );
  return affected > 0;
}

async function tryRestart(k: string, now: Date, durationSeconds: number, transaction?: Transaction): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + durationSeconds * 1000);
  const [affected] = await RateLimitBucket.update(
    { points: 1, expiresAt },
    { where: { bucketKey: k, expiresAt: { [Op.lte]: now } }, transaction },
  );
  if (affected > 0) return true;
  try {
    await RateLimitBucket.create({ bucketKey: k, points: 1, expiresAt }, { transaction });
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintError) return false; // another instance created it first
    throw err;
  }
}

/**
 * Counts one request against `name`/`key` in a fixed window stored in the database, so the
 * limit holds across every backend instance. Each step is a single atomic statement (no row
 * lock). Call it before the request's transaction, so that a request that fails and rolls back
 * still counts. On SQLite the counting takes its turn in the write queue (db.ts `queuedWrite`),
 * so it never meets a transaction's write lock; called inside an open transaction it joins it.
 */
export function consumeRateLimit(
  name: string,
  key: string,
  opts: RateLimitOptions,
  transaction?: Transaction,
): Promise<RateLimitResult> {
  if (transaction) return count(name, key, opts, transaction);
  return queuedWrite((t) => count(name, key, opts, t));
}

async function count(
  name: string,
  key: string,
  opts: RateLimitOptions,
  transaction: Transaction | undefined,
): Promise<RateLimitResult> {
  const k = bucketKey(name, key, opts.durationSeconds);
  const now = clock.now();
  let counted = await tryIncrement(k, now, transaction);
  for (let i = 0; !counted && i < 3; i++) {
    counted =
      (await tryRestart(k, now, opts.durationSeconds, transaction)) || (await tryIncrement(k, now, transaction));
  }
  const row = await RateLimitBucket.findByPk(k, { transaction });
  if (Math.random() < 0.01) await RateLimitBucket.destroy({ where: { expiresAt: { [Op.lt]: now } }, transaction });
  const consumed = row?.points ?? 1;
  const retryAfterSeconds = row
    ? Math.max(1, Math.ceil((row.expiresAt.getTime() - now.getTime()) / 1000))
    : opts.durationSeconds;
  return {
    allowed: consumed <= opts.points,
    consumed,
    remaining: Math.max(0, opts.points - consumed),
    retryAfterSeconds,
  };
}

/** Forgets a key's window (e.g. after a successful sign-in for the per-account counter). */
export async function resetRateLimit(name: string, key: string, durationSeconds: number): Promise<void> {
  await queuedWrite((transaction) =>
    RateLimitBucket.destroy({ where: { bucketKey: bucketKey(name, key, durationSeconds) }, transaction }),
  );
}
