import type { Transaction } from "sequelize";
import { transaction } from "../db.js";
import { User } from "../models/User.js";
import { revokeApiToken } from "../services/apiTokens.js";
import { hashSecret, needsRehash, verifySecret, withPasswordSlot } from "../services/passwords.js";
import {
  clearFailures,
  isLocked,
  lockRemainingSeconds,
  registerFailure,
  type RequestMeta,
} from "../services/lockout.js";
import { openKeyWithPassword, sealKeyForToken, type UnlockedKey } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type UnlockApiTokenResult =
  | { kind: "unlocked" }
  | { kind: "wrong_password" }
  | { kind: "locked"; retryAfterSeconds: number | null }
  /** The account has no Kuvert password (e.g. created for Microsoft sign-in only). */
  | { kind: "password_not_set" }
  /** The password is right but no password-wrapped key opens with it (a sign-in repairs that). */
  | { kind: "key_unavailable" }
  /** The token was revoked while the password was checked. */
  | { kind: "token_gone" };

export interface UnlockApiTokenProps {
  userId: string;
  tokenId: string;
  /** Derived from the presented bearer secret (never stored): the seal opens only with it. */
  tokenKey: Buffer;
  password: string;
  meta: RequestMeta;
}

/** The slow part (scrypt of the password and of the key wrap), done before any transaction. */
interface Checked {
  passwordHash: string | null;
  privateKeyPassword: string | null;
  locked: boolean;
  passwordOk: boolean;
  rehash: string | null;
  unlocked: UnlockedKey | null;
}

/** Null when the account is gone (deleted since the token was authenticated). */
async function check(userId: string, password: string, t?: Transaction): Promise<Checked | null> {
  const user = await User.findByPk(userId, { transaction: t });
  if (!user) return null;
  const snapshot = {
    passwordHash: user.passwordHash,
    privateKeyPassword: user.privateKeyPassword,
    locked: isLocked(user),
  };
  // Locked, or no password at all: nothing is tried (the answer does not depend on the password).
  if (snapshot.locked || !user.passwordHash) return { ...snapshot, passwordOk: false, rehash: null, unlocked: null };
  const ok = await verifySecret(password, user.passwordHash);
  if (!ok) return { ...snapshot, passwordOk: false, rehash: null, unlocked: null };
  return {
    ...snapshot,
    passwordOk: true,
    rehash: needsRehash(user.passwordHash) ? await hashSecret(password) : null,
    // The password-wrapped copy only: never the escrow copy (a zero-access organisation has none).
    unlocked: await openKeyWithPassword(user, password),
  };
}

/**
 * Unlocks the user's private key for the API token of this request (the add-in's read pane after
 * a Microsoft sign-in, whose token is key-less): checks the Kuvert password, opens the
 * password-wrapped private key with it and seals it to this token only (like a token minted from
 * a signed-in session), so it lasts as long as the token; revoking the token ends it.
 *
 * A wrong password counts toward the account's lockout exactly like a wrong sign-in password
 * (`login.failed` with step `unlock`); the lock it may trigger also revokes this token (whoever
 * holds it cannot keep guessing once the account locks). A locked account answers `locked` even
 * to the right password. Escrow is never used: a password that is right but opens no wrapped
 * key answers `key_unavailable` (signing in to the web mailbox repairs the stored form). Every
 * outcome is audited (`token.unlocked`, `token.unlock_failed` with the reason), never the
 * password. As in sign-in, the scrypt work runs before the transaction, which starts over when
 * the account's hash, key wrap or lock changed meanwhile.
 */
export async function unlockApiToken(props: UnlockApiTokenProps): Promise<UnlockApiTokenResult> {
  for (let attempt = 1; attempt < 3; attempt++) {
    const checked = await withPasswordSlot(() => check(props.userId, props.password));
    const result = await transaction((t) => finish(t, props, checked));
    if (result) return result;
  }
  return transaction(async (t) => (await finish(t, props, await check(props.userId, props.password, t)))!);
}

async function finish(
  t: Transaction,
  props: UnlockApiTokenProps,
  checked: Checked | null,
): Promise<UnlockApiTokenResult | null> {
  // FOR UPDATE: parallel tries take turns on the account row and each sees the lock and the
  // failure count the previous one committed (on MariaDB a plain read would see its snapshot
  // and let in-flight guesses past a fresh lock). SQLite serialises writers anyway.
  const user = await User.findByPk(props.userId, { transaction: t, lock: t.LOCK.UPDATE });
  if (!user || !checked) return user || checked ? null : { kind: "token_gone" };
  if (
    user.passwordHash !== checked.passwordHash ||
    user.privateKeyPassword !== checked.privateKeyPassword ||
    isLocked(user) !== checked.locked
  )
    return null;
  const { meta, tokenId } = props;
  const audit = {
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  const failed = (reason: string) =>
    recordAudit(t, { ...audit, type: "token.unlock_failed", data: { tokenId, reason } });

  if (checked.locked) {
    await failed("locked");
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }
  if (!user.passwordHash) {
    await failed("password_not_set");
    return { kind: "password_not_set" };
  }
  if (!checked.passwordOk) {
    await failed("wrong_password");
    const { locked } = await registerFailure(t, user, meta, "unlock");
    if (!locked) return { kind: "wrong_password" };
    if (await revokeApiToken(t, user.id, tokenId)) {
      await recordAudit(t, { ...audit, type: "token.revoked", data: { tokenId, reason: "account_locked" } });
    }
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }
  if (!checked.unlocked) {
    await failed("key_unavailable");
    return { kind: "key_unavailable" };
  }
  if (!(await sealKeyForToken(t, tokenId, props.tokenKey, checked.unlocked.key))) return { kind: "token_gone" };
  const upgrades: Partial<Pick<User, "passwordHash" | "privateKeyPassword">> = {
    ...(checked.rehash ? { passwordHash: checked.rehash } : {}),
    ...(checked.unlocked.rewrapped ? { privateKeyPassword: checked.unlocked.rewrapped } : {}),
  };
  if (Object.keys(upgrades).length > 0) await User.update(upgrades, { where: { id: user.id }, transaction: t });
  // The right password ends the run of consecutive failures, as a completed sign-in does.
  await clearFailures(t, user);
  await recordAudit(t, { ...audit, type: "token.unlocked", data: { tokenId } });
  return { kind: "unlocked" };
}
