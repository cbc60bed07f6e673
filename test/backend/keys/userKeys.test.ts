import crypto from "node:crypto";
import { expect } from "chai";
import jose from "node-jose";
import { DataTypes } from "sequelize";
import { db, transaction } from "../../../backend/src/db.js";
import { User } from "../../../backend/src/models/User.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import {
  createUserKeys,
  escrowedPrivateKey,
  resealSessionKey,
  rewrapUserKeys,
  sessionPrivateKey,
  unlockKeysForSession,
  userPublicKey,
} from "../../../backend/src/services/keys/userKeys.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";

/**
 * The sessions table belongs to AUTH-CORE. When it is there, a row is inserted with plausible
 * values for its required columns; until it lands, a minimal table stands in for it.
 */
let ownSessionsTable = false;

async function insertSession(user: User): Promise<string> {
  const q = db().getQueryInterface();
  const id = crypto.randomUUID();
  const columns = await q.describeTable("sessions");
  const row: Record<string, unknown> = { id };
  for (const [name, c] of Object.entries(columns)) {
    if (name === "id" || c.allowNull || c.defaultValue != null) continue;
    const type = c.type.toUpperCase();
    if (name === "user_id") row[name] = user.id;
    else if (type.includes("DATE") || type.includes("TIME")) row[name] = new Date();
    else if (type.includes("INT") || type.includes("BOOL")) row[name] = 0;
    else row[name] = crypto.randomBytes(8).toString("hex");
  }
  if ("stage" in columns) row.stage = "full";
  if ("expires_at" in columns) row.expires_at = new Date(Date.now() + 3600_000);
  await q.bulkInsert("sessions", [row]);
  return id;
}

async function sealedValue(sessionId: string): Promise<string | null> {
  const [rows] = await db().query(`SELECT private_key_sealed FROM sessions WHERE id = '${sessionId}'`);
  return (rows as { private_key_sealed: string | null }[])[0]?.private_key_sealed ?? null;
}

/** A key can decrypt what was encrypted to `publicKey` (ECDH-ES+A256KW). */
async function opens(publicKey: jose.JWK.Key, privateKey: jose.JWK.Key): Promise<boolean> {
  const jwe = await jose.JWE.createEncrypt(
    { format: "compact", fields: { alg: "ECDH-ES+A256KW", enc: "A256GCM" } },
    publicKey,
  )
    .update(Buffer.from("probe"))
    .final();
  try {
    const out = await jose.JWE.createDecrypt(privateKey).decrypt(jwe);
    return out.plaintext.toString() === "probe";
  } catch {
    return false;
  }
}

async function reload(user: User): Promise<User> {
  const fresh = await User.findByPk(user.id);
  if (!fresh) throw new Error("user vanished");
  return fresh;
}

async function zeroAccessOrganisation(): Promise<Organisation> {
  const org = await buildOrganisation();
  org.policy = { ...org.policy, zeroAccess: true };
  await org.save();
  return org;
}

describe("user keys", () => {
  before(async () => {
    const tables = await db().getQueryInterface().showAllTables();
    if (!tables.map(String).includes("sessions")) {
      ownSessionsTable = true;
      await db()
        .getQueryInterface()
        .createTable("sessions", {
          id: { type: DataTypes.UUID, primaryKey: true, allowNull: false },
          private_key_sealed: { type: DataTypes.TEXT, allowNull: true },
        });
    }
  });

  after(async () => {
    if (ownSessionsTable) await db().getQueryInterface().dropTable("sessions");
  });

  it("gives a new user a P-256 public JWK and only wrapped private keys", async () => {
    const user = await reload(await buildUser());
    const pub = JSON.parse(user.publicKey ?? "null") as Record<string, string>;
    expect(pub).to.include({ kty: "EC", crv: "P-256" });
    expect(pub).to.not.have.property("d");
    expect(pub.kid).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(user.keyCreatedAt).to.be.instanceOf(Date);
    const privateD = (await transaction((t) => escrowedPrivateKey(t, user)))?.toJSON(true) as
      Record<string, string> | undefined;
    for (const stored of [user.privateKeyPassword, user.privateKeyEscrow]) {
      expect(stored).to.be.a("string");
      expect(stored).to.not.include('"d"');
      if (privateD) expect(stored).to.not.include(privateD.d);
    }
    // The wrapping salt is not the password hash's salt; the verifier is not reused.
    const wrap = JSON.parse(user.privateKeyPassword ?? "{}") as { salt: string; kdf: string };
    expect(wrap.kdf).to.equal("scrypt");
    expect(user.passwordHash).to.not.include(Buffer.from(wrap.salt, "base64url").toString("base64"));
  });

  it("unlocks with the right password into the session, and the key matches the public key", async () => {
    const user = await reload(await buildUser());
    const sessionId = await insertSession(user);
    const sessionKey = crypto.randomBytes(32);
    await transaction((t) => unlockKeysForSession(t, user, defaultPassword, sessionId, sessionKey));
    const sealed = await sealedValue(sessionId);
    expect(sealed).to.match(/^k1\./);
    const priv = await sessionPrivateKey(sessionId, sessionKey);
    expect(priv).to.not.equal(null);
    const pub = await userPublicKey(user);
    expect(await opens(pub!, priv!)).to.equal(true);
    // Another session key, or the value under another session id, does not open it.
    expect(await sessionPrivateKey(sessionId, crypto.randomBytes(32))).to.equal(null);
    const otherId = await insertSession(user);
    await db().query(`UPDATE sessions SET private_key_sealed = '${sealed}' WHERE id = '${otherId}'`);
    expect(await sessionPrivateKey(otherId, sessionKey)).to.equal(null);
  });

  it("a wrong password does not unwrap the password copy (escrow repairs, audited)", async () => {
    const user = await reload(await buildUser());
    const before = user.privateKeyPassword;
    const sessionId = await insertSession(user);
    const sessionKey = crypto.randomBytes(32);
    // unlock is only called after the password was verified; a mismatch means the wrap is stale.
    await transaction((t) => unlockKeysForSession(t, user, "Wrong-password-1", sessionId, sessionKey));
    const after = await reload(user);
    expect(after.privateKeyPassword).to.not.equal(before);
    expect(after.publicKey).to.equal(user.publicKey);
    const audit = await AuditEvent.findOne({ where: { userId: user.id, type: "keys.escrow_recovered" } });
    expect(audit).to.not.equal(null);
  });

  it("rewraps after a password change: the new password opens, the old does not", async () => {
    const user = await reload(await buildUser());
    const newPassword = "Another-pass-9876";
    await transaction((t) => rewrapUserKeys(t, user, newPassword, defaultPassword));
    const after = await reload(user);
    expect(after.publicKey).to.equal(user.publicKey);
    const ok = await insertSession(user);
    const key = crypto.randomBytes(32);
    await transaction((t) => unlockKeysForSession(t, after, newPassword, ok, key));
    expect(await opens((await userPublicKey(after))!, (await sessionPrivateKey(ok, key))!)).to.equal(true);
    // No escrow recovery was needed: the password copy opened.
    expect(await AuditEvent.count({ where: { userId: user.id, type: "keys.escrow_recovered" } })).to.equal(0);
  });

  it("recovers from escrow on reset (old password unknown) and keeps the key pair", async () => {
    const user = await reload(await buildUser());
    await transaction((t) => rewrapUserKeys(t, user, "Reset-pass-2468", null));
    const after = await reload(user);
    expect(after.publicKey).to.equal(user.publicKey);
    const sid = await insertSession(user);
    const key = crypto.randomBytes(32);
    await transaction((t) => unlockKeysForSession(t, after, "Reset-pass-2468", sid, key));
    expect(await opens((await userPublicKey(user))!, (await sessionPrivateKey(sid, key))!)).to.equal(true);
    expect(await AuditEvent.count({ where: { userId: user.id, type: "keys.escrow_recovered" } })).to.equal(1);
  });

  it("a pending recipient has an escrow copy only; registration wraps it under the password", async () => {
    const pending = await transaction(async (t) => {
      const u = await User.create(
        {
          organisationId: null,
          email: `p-${crypto.randomBytes(4).toString("hex")}@example.test`,
          mobile: null,
          name: null,
          status: "pending",
          role: "recipient",
        },
        { transaction: t },
      );
      await createUserKeys(t, u, null);
      return u;
    });
    const row = await reload(pending);
    expect(row.privateKeyPassword).to.equal(null);
    expect(row.privateKeyEscrow).to.be.a("string");
    await transaction((t) => rewrapUserKeys(t, row, "Register-pass-1357", null));
    const registered = await reload(pending);
    expect(registered.privateKeyPassword).to.be.a("string");
    expect(registered.publicKey).to.equal(row.publicKey);
  });

  it("zero-access: no escrow copy; a reset makes a new key pair and old ciphertext stays closed", async () => {
    const org = await zeroAccessOrganisation();
    const user = await reload(await buildUser({ organisation: org }));
    expect(user.privateKeyEscrow).to.equal(null);
    expect(user.privateKeyPassword).to.be.a("string");
    expect(await transaction((t) => escrowedPrivateKey(t, user))).to.equal(null);
    const oldPublic = (await userPublicKey(user))!;
    const oldPublicJson = user.publicKey;

    await transaction((t) => rewrapUserKeys(t, user, "Reset-pass-2468", null));
    const after = await reload(user);
    expect(after.publicKey).to.not.equal(oldPublicJson);
    expect(user.publicKey, "the passed instance is updated too").to.equal(after.publicKey);
    expect(after.privateKeyEscrow).to.equal(null);
    const sid = await insertSession(user);
    const key = crypto.randomBytes(32);
    await transaction((t) => unlockKeysForSession(t, after, "Reset-pass-2468", sid, key));
    const newPrivate = (await sessionPrivateKey(sid, key))!;
    expect(await opens(oldPublic, newPrivate)).to.equal(false);
    expect(await AuditEvent.count({ where: { userId: user.id, type: "keys.regenerated" } })).to.equal(1);
  });

  it("escrow is bound to its user: a copy moved to another row does not open", async () => {
    const a = await reload(await buildUser());
    const b = await reload(await buildUser());
    await User.update({ privateKeyEscrow: a.privateKeyEscrow }, { where: { id: b.id } });
    const moved = await reload(b);
    expect(await transaction(async (t) => escrowedPrivateKey(t, moved))).to.equal(null);
  });

  it("reseals the session key on rotation, for a new row and for an in-place rename", async () => {
    const user = await reload(await buildUser());
    const from = await insertSession(user);
    const fromKey = crypto.randomBytes(32);
    await transaction((t) => unlockKeysForSession(t, user, defaultPassword, from, fromKey));

    const to = await insertSession(user);
    const toKey = crypto.randomBytes(32);
    await transaction((t) => resealSessionKey(t, from, fromKey, to, toKey));
    expect(await sessionPrivateKey(to, toKey)).to.not.equal(null);
    expect(await sealedValue(from)).to.equal(null);

    // In place: the row keeps the value sealed for the old id and key, under a new id.
    const renamed = crypto.randomUUID();
    const renamedKey = crypto.randomBytes(32);
    await db().query(`UPDATE sessions SET id = '${renamed}' WHERE id = '${to}'`);
    await transaction((t) => resealSessionKey(t, to, toKey, renamed, renamedKey));
    expect(await sessionPrivateKey(renamed, renamedKey)).to.not.equal(null);
    expect(await sessionPrivateKey(renamed, toKey)).to.equal(null);
  });

  it("keeps the org's zeroAccess policy readable", async () => {
    const org = await zeroAccessOrganisation();
    expect((await Organisation.findByPk(org.id))?.policy.zeroAccess).to.equal(true);
  });
});
