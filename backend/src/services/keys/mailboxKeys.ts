import jose from "node-jose";
import type { Transaction } from "sequelize";
import { User } from "../../models/User.js";
import { Organisation } from "../../models/Organisation.js";
import { SharedMailboxKey, SharedMailboxKeyWrap } from "../../models/SharedMailboxKey.js";
import { open, seal } from "../crypto/seal.js";
import { generateUserKeyPair } from "./userKeys.js";

/**
 * Shared mailbox keys (F25; docs/format.md "Shared mailbox keys"). A mailbox has its own EC
 * P-256 key pair per *version*; the identity user's `users.public_key` is always the current
 * version's, so senders encrypt to it like to a person. The private key of every version is
 *
 *   shared_mailbox_key_wraps.jwe  wrapped per member (JWE compact, ECDH-ES+A256KW + A256GCM, to
 *                                 the member's public key; protected header `kuvert-mbx` =
 *                                 "<mailbox id>:<version>" binds it to its mailbox and version)
 *   shared_mailbox_keys.escrow    sealed under deriveKey("mailbox-escrow"), bound to mailbox and
 *                                 version; absent when the organisation is zero-access
 *
 * Removing a member deletes their wraps and makes a new version (`rotate`), wrapped for the
 * remaining members only: later messages use a key the former member never held.
 */

const ESCROW_PURPOSE = "mailbox-escrow";
const WRAP_HEADER = "kuvert-mbx";
const WRAP_ALG = "ECDH-ES+A256KW";
const WRAP_ENC = "A256GCM";

function binding(mailboxId: string, version: number): string {
  return `${mailboxId}:${version}`;
}

function escrowAad(mailboxId: string, version: number): string {
  return `kuvert:mailbox-escrow:v1:${binding(mailboxId, version)}`;
}

/** A member who can receive a wrap: their id and public key. */
export interface WrapTarget {
  userId: string;
  publicKey: jose.JWK.Key;
}

/** Whether the organisation keeps escrow copies (not zero-access). */
export async function orgKeepsEscrow(t: Transaction, organisationId: string): Promise<boolean> {
  const org = await Organisation.findByPk(organisationId, { transaction: t, attributes: ["id", "policy"] });
  return org?.policy.zeroAccess !== true;
}

/** Wraps a mailbox private key (one version) to a member's public key. */
export async function wrapMailboxKey(
  mailboxId: string,
  version: number,
  privateKey: jose.JWK.Key,
  memberPublicKey: jose.JWK.Key,
): Promise<string> {
  const plain = Buffer.from(JSON.stringify(privateKey.toJSON(true)));
  try {
    return await jose.JWE.createEncrypt(
      { format: "compact", fields: { alg: WRAP_ALG, enc: WRAP_ENC, [WRAP_HEADER]: binding(mailboxId, version) } },
      { key: memberPublicKey, reference: Boolean(memberPublicKey.kid) } as unknown as jose.JWK.Key,
    )
      .update(plain)
      .final();
  } finally {
    plain.fill(0);
  }
}

/**
 * Opens one wrap with the member's private key; null for another key, another mailbox or
 * version (the header binding), or tampering.
 */
export async function unwrapMailboxKey(
  mailboxId: string,
  version: number,
  jwe: string,
  memberPrivateKey: jose.JWK.Key,
): Promise<jose.JWK.Key | null> {
  try {
    const out = await jose.JWE.createDecrypt(memberPrivateKey, { algorithms: [WRAP_ALG, WRAP_ENC] }).decrypt(jwe);
    const header = out.header as Record<string, unknown>;
    if (header[WRAP_HEADER] !== binding(mailboxId, version)) return null;
    try {
      return await jose.JWK.asKey(out.plaintext.toString("utf8"), "json");
    } finally {
      out.plaintext.fill(0);
    }
  } catch {
    return null;
  }
}

/** The public JWK of a stored version. */
export function versionPublicKey(row: Pick<SharedMailboxKey, "publicKey">): Promise<jose.JWK.Key> {
  return jose.JWK.asKey(row.publicKey, "json");
}

/**
 * Makes key version `version` of a mailbox: a fresh pair, escrowed when `escrow`, wrapped for
 * every target, and published as the identity user's public key (in `t`).
 */
export async function createMailboxKeyVersion(
  t: Transaction,
  mailboxId: string,
  version: number,
  escrow: boolean,
  targets: WrapTarget[],
): Promise<jose.JWK.Key> {
  const key = await generateUserKeyPair();
  const privateJson = Buffer.from(JSON.stringify(key.toJSON(true)));
  const publicKey = JSON.stringify(key.toJSON(false));
  try {
    await SharedMailboxKey.create(
      {
        mailboxId,
        version,
        publicKey,
        escrow: escrow ? seal(ESCROW_PURPOSE, privateJson, escrowAad(mailboxId, version)) : null,
      },
      { transaction: t },
    );
  } finally {
    privateJson.fill(0);
  }
  for (const target of targets) {
    await SharedMailboxKeyWrap.create(
      {
        mailboxId,
        userId: target.userId,
        version,
        jwe: await wrapMailboxKey(mailboxId, version, key, target.publicKey),
      },
      { transaction: t },
    );
  }
  await User.update({ publicKey, keyCreatedAt: new Date() }, { where: { id: mailboxId }, transaction: t });
  return key;
}

/** Every version's private key the member's wraps open, by version (empty without wraps). */
export async function memberMailboxKeys(
  mailboxId: string,
  userId: string,
  memberPrivateKey: jose.JWK.Key,
  t?: Transaction,
): Promise<Map<number, jose.JWK.Key>> {
  const wraps = await SharedMailboxKeyWrap.findAll({ where: { mailboxId, userId }, transaction: t });
  const out = new Map<number, jose.JWK.Key>();
  for (const wrap of wraps) {
    const key = await unwrapMailboxKey(mailboxId, wrap.version, wrap.jwe, memberPrivateKey);
    if (key) out.set(wrap.version, key);
  }
  return out;
}

/** Every version's private key from escrow (audited callers only); empty in zero-access orgs. */
export async function escrowedMailboxKeys(t: Transaction, mailboxId: string): Promise<Map<number, jose.JWK.Key>> {
  const rows = await SharedMailboxKey.findAll({ where: { mailboxId }, transaction: t });
  const out = new Map<number, jose.JWK.Key>();
  for (const row of rows) {
    if (!row.escrow) continue;
    try {
      const plain = open(ESCROW_PURPOSE, row.escrow, escrowAad(mailboxId, row.version));
      try {
        out.set(row.version, await jose.JWK.asKey(plain.toString("utf8"), "json"));
      } finally {
        plain.fill(0);
      }
    } catch {
      // A tampered or foreign escrow copy is simply not available.
    }
  }
  return out;
}

/** Wraps every given version for a new member (replacing wraps they may hold). */
export async function wrapVersionsFor(
  t: Transaction,
  mailboxId: string,
  keys: Map<number, jose.JWK.Key>,
  target: WrapTarget,
): Promise<void> {
  await SharedMailboxKeyWrap.destroy({ where: { mailboxId, userId: target.userId }, transaction: t });
  for (const [version, key] of keys) {
    await SharedMailboxKeyWrap.create(
      {
        mailboxId,
        userId: target.userId,
        version,
        jwe: await wrapMailboxKey(mailboxId, version, key, target.publicKey),
      },
      { transaction: t },
    );
  }
}

/**
 * A key ring of mailbox key versions, usable wherever one private key opens key envelopes
 * (node-jose picks the version by the envelope's `kid`, the key's thumbprint).
 */
export async function mailboxKeyRing(keys: Iterable<jose.JWK.Key>): Promise<jose.JWK.Key> {
  const ring = jose.JWK.createKeyStore();
  for (const key of keys) await ring.add(key);
  // JWE.createDecrypt takes a key store as well as a key; callers only pass it on to it.
  return ring as unknown as jose.JWK.Key;
}

/** Zero-access switched on: drops the escrow copy of every mailbox key of the organisation. */
export async function dropMailboxEscrow(t: Transaction, mailboxIds: string[]): Promise<number> {
  if (mailboxIds.length === 0) return 0;
  const [dropped] = await SharedMailboxKey.update(
    { escrow: null },
    { where: { mailboxId: mailboxIds }, transaction: t },
  );
  return dropped;
}
