import crypto from "node:crypto";
import jose from "node-jose";
import { Op, QueryTypes, type Transaction } from "sequelize";
import { db } from "../../db.js";
import { logger } from "../../logger.js";
import { User } from "../../models/User.js";
import { ApiToken } from "../../models/ApiToken.js";
import { Organisation } from "../../models/Organisation.js";
import { recordAudit } from "../audit/recordAudit.js";
import { open, seal } from "../crypto/seal.js";
import { needsRewrap, unwrapWithPassword, wrapWithPassword } from "./passwordWrap.js";
import { openForSession, sealForSession } from "./sessionSeal.js";

/**
 * Per-user EC P-256 key pairs (DESIGN.md "Keys and encryption").
 *
 * users.public_key          public JWK (JSON, with kid = RFC 7638 thumbprint)
 * users.private_key_password private JWK wrapped under a password-derived key (passwordWrap.ts)
 * users.private_key_escrow   private JWK sealed under deriveKey("escrow"); absent in zero-access
 *                            orgs (except for pending users, who have no password yet)
 * sessions.private_key_sealed private JWK sealed under the session secret (sessionSeal.ts)
 * api_tokens.private_key_sealed private JWK sealed under the token secret (same construction,
 *                            bound to `token:<id>`); null for key-less tokens
 */

const ESCROW_PURPOSE = "escrow";

function escrowAad(userId: string): string {
  return `kuvert:pk-escrow:v1:${userId}`;
}

interface KeyColumns {
  publicKey: string | null;
  privateKeyPassword: string | null;
  privateKeyEscrow: string | null;
  keyCreatedAt: Date | null;
}

/** Creates a fresh P-256 key pair for ECDH-ES+A256KW with its thumbprint as kid. */
export async function generateUserKeyPair(): Promise<jose.JWK.Key> {
  const key = await jose.JWK.createKey("EC", "P-256", { alg: "ECDH-ES+A256KW", use: "enc" });
  const pub = key.toJSON(false) as { crv: string; x: string; y: string };
  // RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order.
  const canonical = JSON.stringify({ crv: pub.crv, kty: "EC", x: pub.x, y: pub.y });
  const kid = crypto.createHash("sha256").update(canonical).digest("base64url");
  return jose.JWK.asKey({ ...key.toJSON(true), kid });
}

async function zeroAccess(t: Transaction, organisationId: string | null): Promise<boolean> {
  if (!organisationId) return false;
  const org = await Organisation.findByPk(organisationId, { transaction: t });
  return org?.policy.zeroAccess === true;
}

async function loadKeyColumns(t: Transaction, userId: string): Promise<KeyColumns> {
  const row = await User.findByPk(userId, {
    transaction: t,
    attributes: ["id", "publicKey", "privateKeyPassword", "privateKeyEscrow", "keyCreatedAt"],
  });
  if (!row) throw new Error("user not found");
  return {
    publicKey: row.publicKey,
    privateKeyPassword: row.privateKeyPassword,
    privateKeyEscrow: row.privateKeyEscrow,
    keyCreatedAt: row.keyCreatedAt,
  };
}

async function saveKeyColumns(t: Transaction, user: User, values: KeyColumns): Promise<void> {
  await User.update(values, { where: { id: user.id }, transaction: t });
  user.set(values, { raw: true });
}

/** Wraps `privateKey` for `user`; the escrow copy is kept unless zero-access applies. */
async function wrapColumns(
  t: Transaction,
  user: User,
  privateKey: jose.JWK.Key,
  password: string | null,
  createdAt: Date,
): Promise<KeyColumns> {
  const privateJson = Buffer.from(JSON.stringify(privateKey.toJSON(true)));
  const keepEscrow = password === null || !(await zeroAccess(t, user.organisationId));
  return {
    publicKey: JSON.stringify(privateKey.toJSON(false)),
    privateKeyPassword: password === null ? null : await wrapWithPassword(user.id, password, privateJson),
    privateKeyEscrow: keepEscrow ? seal(ESCROW_PURPOSE, privateJson, escrowAad(user.id)) : null,
    keyCreatedAt: createdAt,
  };
}

function parsePrivate(json: Buffer): Promise<jose.JWK.Key> {
  return jose.JWK.asKey(json.toString("utf8"), "json");
}

function openEscrow(userId: string, stored: string | null): Promise<jose.JWK.Key> | null {
  if (!stored) return null;
  try {
    return parsePrivate(open(ESCROW_PURPOSE, stored, escrowAad(userId)));
  } catch {
    return null;
  }
}

/**
 * Gives `user` a new key pair. With a password the private key is wrapped under it (and
 * escrowed unless the org is zero-access); with null (a pending recipient) it is escrowed only.
 */
export async function createUserKeys(t: Transaction, user: User, password: string | null): Promise<void> {
  const key = await generateUserKeyPair();
  await saveKeyColumns(t, user, await wrapColumns(t, user, key, password, new Date()));
}

/**
 * The private key opened with the password, ready to be sealed into a session: the slow part
 * of unlocking (scrypt for the unwrap and, for an older wrap, for the re-wrap), done before the
 * sign-in transaction opens so that it never holds the database while deriving keys.
 */
export interface UnlockedKey {
  /** users.private_key_password it was opened from (the transaction checks it is unchanged). */
  from: string;
  key: jose.JWK.Key;
  /** A re-wrap under today's parameters when `from` is older (no pepper, lower cost). */
  rewrapped: string | null;
}

/**
 * Opens the password-wrapped private key of `user` (no database access). Null when there is
 * none or the password does not open it: `sealKeyForSession` then repairs in its transaction.
 */
export async function openKeyWithPassword(
  user: Pick<User, "id" | "privateKeyPassword">,
  password: string,
): Promise<UnlockedKey | null> {
  const from = user.privateKeyPassword;
  if (!from) return null;
  const plain = await unwrapWithPassword(user.id, password, from);
  if (!plain) return null;
  try {
    const key = await parsePrivate(plain);
    // An older wrap (no pepper, lower cost) is re-wrapped now that the password is at hand.
    const rewrapped = needsRewrap(from) ? await wrapWithPassword(user.id, password, plain) : null;
    return { from, key, rewrapped };
  } finally {
    plain.fill(0);
  }
}

/**
 * In the sign-in transaction: seals the private key into the session. `unlocked` comes from
 * `openKeyWithPassword` before the transaction; when it is null, or the wrap changed since, the
 * stored form is repaired here (escrow copy, or a new pair: see `unlockKeysForSession`).
 */
export async function sealKeyForSession(
  t: Transaction,
  user: User,
  password: string,
  unlocked: UnlockedKey | null,
  sessionId: string,
  sessionKey: Buffer,
): Promise<void> {
  const cols = await loadKeyColumns(t, user.id);
  let key: jose.JWK.Key;
  if (unlocked && cols.privateKeyPassword === unlocked.from) {
    key = unlocked.key;
    if (unlocked.rewrapped) {
      await User.update({ privateKeyPassword: unlocked.rewrapped }, { where: { id: user.id }, transaction: t });
      user.set({ privateKeyPassword: unlocked.rewrapped }, { raw: true });
    }
  } else {
    // The wrap changed after `unlocked` was opened (rare): open the current one here.
    const current = unlocked
      ? await openKeyWithPassword({ id: user.id, privateKeyPassword: cols.privateKeyPassword }, password)
      : null;
    if (current?.rewrapped) {
      await User.update({ privateKeyPassword: current.rewrapped }, { where: { id: user.id }, transaction: t });
      user.set({ privateKeyPassword: current.rewrapped }, { raw: true });
    }
    key = current?.key ?? (await repairKeys(t, user, cols, password));
  }
  await writeSealed(t, sessionId, sealForSession(sessionId, sessionKey, Buffer.from(JSON.stringify(key.toJSON(true)))));
}

/**
 * After a successful full sign-in: unwraps the private key with `password` and stores it
 * sealed under `sessionKey` in sessions.private_key_sealed. Also upgrades and repairs the
 * stored form: an older password wrap (v1, or weaker scrypt) is re-wrapped; a
 * user with only an escrow copy (pending identity, legacy row) gets a password-wrapped copy;
 * a user with no keys gets a pair; a zero-access user whose wrap no longer matches the
 * password gets a new pair (old messages unreadable, audited). Sign-in does the scrypt part
 * before its transaction (`openKeyWithPassword`, then `sealKeyForSession`).
 */
export async function unlockKeysForSession(
  t: Transaction,
  user: User,
  password: string,
  sessionId: string,
  sessionKey: Buffer,
): Promise<void> {
  const cols = await loadKeyColumns(t, user.id);
  const unlocked = await openKeyWithPassword({ id: user.id, privateKeyPassword: cols.privateKeyPassword }, password);
  await sealKeyForSession(t, user, password, unlocked, sessionId, sessionKey);
}

async function repairKeys(t: Transaction, user: User, cols: KeyColumns, password: string): Promise<jose.JWK.Key> {
  const escrowed = await openEscrow(user.id, cols.privateKeyEscrow);
  if (escrowed) {
    await saveKeyColumns(t, user, await wrapColumns(t, user, escrowed, password, cols.keyCreatedAt ?? new Date()));
    if (cols.privateKeyPassword) {
      logger.warn({ userId: user.id }, "password-wrapped private key did not open; re-wrapped from escrow");
    }
    await recordAudit(t, {
      type: "keys.escrow_recovered",
      organisationId: user.organisationId,
      userId: user.id,
      data: { reason: "sign_in" },
    });
    return escrowed;
  }
  const fresh = await generateUserKeyPair();
  await saveKeyColumns(t, user, await wrapColumns(t, user, fresh, password, new Date()));
  if (cols.publicKey) {
    await recordAudit(t, {
      type: "keys.regenerated",
      organisationId: user.organisationId,
      userId: user.id,
      data: { reason: "sign_in" },
    });
  }
  return fresh;
}

/**
 * Re-wraps the private key under `newPassword`. With `oldPassword` (password change) the key
 * is unwrapped with it; with null (password reset, recovery, pending → registered) it comes
 * from escrow (audited). A zero-access user has no escrow, so a reset gives a NEW key pair and
 * messages encrypted to the old key become unreadable. Sessions holding the old key stay
 * valid until revoked (AUTH-CORE revokes other sessions on password change/reset).
 */
export async function rewrapUserKeys(
  t: Transaction,
  user: User,
  newPassword: string,
  oldPassword: string | null,
): Promise<void> {
  const cols = await loadKeyColumns(t, user.id);
  if (oldPassword !== null && cols.privateKeyPassword) {
    const plain = await unwrapWithPassword(user.id, oldPassword, cols.privateKeyPassword);
    if (plain) {
      const key = await parsePrivate(plain);
      await saveKeyColumns(t, user, await wrapColumns(t, user, key, newPassword, cols.keyCreatedAt ?? new Date()));
      return;
    }
  }
  const escrowed = await openEscrow(user.id, cols.privateKeyEscrow);
  if (escrowed) {
    await saveKeyColumns(t, user, await wrapColumns(t, user, escrowed, newPassword, cols.keyCreatedAt ?? new Date()));
    await recordAudit(t, {
      type: "keys.escrow_recovered",
      organisationId: user.organisationId,
      userId: user.id,
      data: { reason: oldPassword === null ? "reset" : "change" },
    });
    return;
  }
  const fresh = await generateUserKeyPair();
  await saveKeyColumns(t, user, await wrapColumns(t, user, fresh, newPassword, new Date()));
  if (cols.publicKey) {
    await recordAudit(t, {
      type: "keys.regenerated",
      organisationId: user.organisationId,
      userId: user.id,
      data: { reason: oldPassword === null ? "reset" : "change" },
    });
  }
}

/**
 * Zero-access switched on (services never wait for the next password change): deletes the
 * escrow copy of every member of the organisation who also has a password-wrapped copy, in `t`.
 * Members with no password copy (none normally; a pending identity or a Microsoft-only account)
 * keep theirs, since it is their only copy; they are counted as `kept`. Sessions and API
 * tokens keep their own seals until they end.
 */
export async function dropOrganisationEscrow(
  t: Transaction,
  organisationId: string,
): Promise<{ dropped: number; kept: number }> {
  const [dropped] = await User.update(
    { privateKeyEscrow: null },
    {
      where: { organisationId, privateKeyEscrow: { [Op.ne]: null }, privateKeyPassword: { [Op.ne]: null } },
      transaction: t,
    },
  );
  const kept = await User.count({ where: { organisationId, privateKeyEscrow: { [Op.ne]: null } }, transaction: t });
  return { dropped, kept };
}

/** The user's public key (JWK, kid = thumbprint), or null when the user has none yet. */
export async function userPublicKey(user: Pick<User, "publicKey">): Promise<jose.JWK.Key | null> {
  return user.publicKey ? jose.JWK.asKey(user.publicKey, "json") : null;
}

/**
 * The escrowed private key, for audited server-side recovery only (e.g. a pending recipient
 * registering). Null in zero-access orgs or when the user has no keys.
 */
export async function escrowedPrivateKey(t: Transaction, user: User): Promise<jose.JWK.Key | null> {
  const cols = await loadKeyColumns(t, user.id);
  return openEscrow(user.id, cols.privateKeyEscrow);
}

async function readSealed(sessionId: string, t?: Transaction): Promise<string | null> {
  const rows = await db().query<{ private_key_sealed: string | null }>(
    "SELECT private_key_sealed FROM sessions WHERE id = :id",
    {
      replacements: { id: sessionId },
      type: QueryTypes.SELECT,
      transaction: t,
    },
  );
  return rows[0]?.private_key_sealed ?? null;
}

async function writeSealed(t: Transaction, sessionId: string, sealed: string | null): Promise<void> {
  await db().query("UPDATE sessions SET private_key_sealed = :sealed WHERE id = :id", {
    replacements: { id: sessionId, sealed },
    transaction: t,
  });
}

/**
 * The signed-in user's private key for this request, or null when the session holds none
 * (token sessions, sessions created before unlock) or the session key does not open it.
 */
export async function sessionPrivateKey(sessionId: string, sessionKey: Buffer): Promise<jose.JWK.Key | null> {
  const sealed = await readSealed(sessionId);
  if (!sealed) return null;
  const plain = openForSession(sessionId, sessionKey, sealed);
  return plain ? parsePrivate(plain) : null;
}

/**
 * Moves the sealed private key from one session to another when AUTH-CORE rotates a session.
 * Works whether the rotation creates a new row (the old row is read, then cleared) or renames
 * the row in place (the value, still sealed for the old id and key, is read from the new row).
 */
export async function resealSessionKey(
  t: Transaction,
  fromSessionId: string,
  fromKey: Buffer,
  toSessionId: string,
  toKey: Buffer,
): Promise<void> {
  let sealed = await readSealed(fromSessionId, t);
  if (!sealed) sealed = await readSealed(toSessionId, t);
  if (!sealed) return;
  const plain = openForSession(fromSessionId, fromKey, sealed);
  if (!plain) return;
  await writeSealed(t, toSessionId, sealForSession(toSessionId, toKey, plain));
  if (fromSessionId !== toSessionId) await writeSealed(t, fromSessionId, null);
}

/** The session seal's binding for a token: `token:<id>` never equals a session id. */
function tokenBinding(tokenId: string): string {
  return `token:${tokenId}`;
}

/**
 * The private key unlocked in this session, sealed for a new API token (the session seal's
 * construction under `tokenKey`, bound to the token id), or null when the session holds none.
 */
export async function sealSessionKeyForToken(
  t: Transaction,
  sessionId: string,
  sessionKey: Buffer,
  tokenId: string,
  tokenKey: Buffer,
): Promise<string | null> {
  const sealed = await readSealed(sessionId, t);
  if (!sealed) return null;
  const plain = openForSession(sessionId, sessionKey, sealed);
  return plain ? sealForSession(tokenBinding(tokenId), tokenKey, plain) : null;
}

/**
 * Seals `key` (opened with the password, never from escrow) into a live API token: the add-in's
 * read pane unlocking a key-less token (Microsoft sign-in). Same construction and binding
 * (`token:<id>` under the token key) as a token minted from a session, so only this token's
 * secret opens it. False when the token was revoked meanwhile (nothing is written then).
 */
export async function sealKeyForToken(
  t: Transaction,
  tokenId: string,
  tokenKey: Buffer,
  key: jose.JWK.Key,
): Promise<boolean> {
  const plain = Buffer.from(JSON.stringify(key.toJSON(true)));
  try {
    const [sealed] = await ApiToken.update(
      { privateKeySealed: sealForSession(tokenBinding(tokenId), tokenKey, plain) },
      { where: { id: tokenId, revokedAt: null }, transaction: t },
    );
    return sealed === 1;
  } finally {
    plain.fill(0);
  }
}

/** The private key sealed in an API token, or null (revoked or key-less token, wrong key, tampered). */
export async function tokenPrivateKey(tokenId: string, tokenKey: Buffer): Promise<jose.JWK.Key | null> {
  const row = await ApiToken.findOne({
    where: { id: tokenId, revokedAt: null },
    attributes: ["id", "privateKeySealed"],
  });
  if (!row?.privateKeySealed) return null;
  const plain = openForSession(tokenBinding(tokenId), tokenKey, row.privateKeySealed);
  return plain ? parsePrivate(plain) : null;
}
