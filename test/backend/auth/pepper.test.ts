import crypto from "node:crypto";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { env, loadEnv } from "../../../backend/src/env.js";
import { User } from "../../../backend/src/models/User.js";
import { hashSecret, verifySecret } from "../../../backend/src/services/passwords.js";
import { unwrapWithPassword, wrapWithPassword } from "../../../backend/src/services/keys/passwordWrap.js";
import { escrowedPrivateKey } from "../../../backend/src/services/keys/userKeys.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn, withEnv } from "../../support/auth.js";
import { ApiClient } from "../../support/server.js";

/** What a thief with the database but not MASTER_KEY can do: scrypt with the stored salt and parameters. */
function offlineHashMatches(stored: string, guess: string): boolean {
  const m = /^[a-z+0-9]+\$N=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!m) throw new Error(`unexpected hash layout: ${stored.slice(0, 20)}`);
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hash = Buffer.from(m[5], "base64");
  const candidate = crypto.scryptSync(guess.normalize("NFKC"), Buffer.from(m[4], "base64"), hash.length, {
    N,
    r,
    p,
    maxmem: 256 * N * r,
  });
  return crypto.timingSafeEqual(candidate, hash);
}

/** The same for the password-wrapped private key: a guess is confirmed when the GCM tag verifies. */
function offlineWrapOpens(userId: string, stored: string, guess: string): boolean {
  const w = JSON.parse(stored) as { v: number; N: number; r: number; p: number; salt: string; iv: string; ct: string };
  const key = crypto.scryptSync(guess.normalize("NFKC"), Buffer.from(w.salt, "base64url"), 32, {
    N: w.N,
    r: w.r,
    p: w.p,
    maxmem: 256 * w.N * w.r,
  });
  const ct = Buffer.from(w.ct, "base64url");
  for (const aad of [`kuvert:pk-password:v1:${userId}`, `kuvert:pk-password:v${w.v}:${userId}`]) {
    try {
      const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(w.iv, "base64url"));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(ct.subarray(ct.length - 16));
      d.update(ct.subarray(0, ct.length - 16));
      d.final();
      return true;
    } catch {
      // try the next AAD
    }
  }
  return false;
}

/** The layout stored before the pepper: scrypt N=2^14 without a pepper, key wrapped as v1. */
function legacyHash(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password.normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
  return `scrypt$N=16384,r=8,p=1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function legacyWrap(userId: string, password: string, plaintext: Buffer): string {
  const salt = crypto.randomBytes(16);
  const params = { N: 2 ** 14, r: 8, p: 1 };
  const key = crypto.scryptSync(password.normalize("NFKC"), salt, 32, params);
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(`kuvert:pk-password:v1:${userId}`));
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return JSON.stringify({
    v: 1,
    kdf: "scrypt",
    ...params,
    salt: salt.toString("base64url"),
    iv: iv.toString("base64url"),
    ct: ct.toString("base64url"),
  });
}

function scryptN(stored: string): number {
  const m = /N=(\d+)/.exec(stored) ?? /"N":(\d+)/.exec(stored);
  return Number(m![1]);
}

describe("password pepper: a stolen database alone does not confirm password guesses", function () {
  this.timeout(60_000);

  it("neither the stored hash nor the wrapped private key confirms the right password without MASTER_KEY", async () => {
    const user = await buildUser();
    await signIn(user);
    const row = (await User.findByPk(user.id))!;
    // The attack: the thief runs scrypt on the right guess with the stored salt and parameters.
    expect(offlineHashMatches(row.passwordHash!, defaultPassword)).to.equal(false);
    expect(offlineWrapOpens(user.id, row.privateKeyPassword!, defaultPassword)).to.equal(false);
  });

  it("a copy of the database under another MASTER_KEY cannot verify the password", async () => {
    const user = await buildUser();
    const otherKey = crypto.randomBytes(32).toString("base64");
    const res = await withEnv({ MASTER_KEY: otherKey }, async () => {
      const api = await ApiClient.create();
      return api.post("/api/auth/login", { email: user.email, password: defaultPassword });
    });
    expect(res.status, res.text).to.equal(401);
    expect(res.body.error).to.equal("invalid_credentials");
    expect(
      (await (await ApiClient.create()).post("/api/auth/login", { email: user.email, password: defaultPassword }))
        .status,
    ).to.equal(200);
  });

  it("a hash and wrap with the old parameters still sign in and are upgraded (pepper, cost) at that sign-in", async () => {
    const sender = await buildUser();
    const user = await buildUser();
    const senderApi = await signIn(sender);
    const sent = await senderApi.post("/api/messages", {
      to: [{ email: user.email }],
      subject: "Före uppgraderingen",
      body: "Skickat till den gamla nyckeln",
    });
    expect(sent.status, sent.text).to.equal(201);

    // Put the row back into the old layout; without an escrow copy only the old wrap can give the key.
    const key = await transaction((t) => escrowedPrivateKey(t, user));
    const privateJson = Buffer.from(JSON.stringify(key!.toJSON(true)));
    await User.update(
      {
        passwordHash: legacyHash(defaultPassword),
        privateKeyPassword: legacyWrap(user.id, defaultPassword, privateJson),
        privateKeyEscrow: null,
      },
      { where: { id: user.id } },
    );
    const publicKey = (await User.findByPk(user.id))!.publicKey;

    // Today's cost above the old 2^14 (the suite's own is lower, for speed): the sign-in raises it.
    const api = await withEnv({ PASSWORD_SCRYPT_LOG2_N: 15 }, () => signIn(user));
    const after = (await User.findByPk(user.id))!;
    expect(after.publicKey).to.equal(publicKey);
    expect(after.passwordHash).to.match(/^scrypt\+pepper\$/);
    expect(scryptN(after.passwordHash!)).to.be.greaterThan(2 ** 14);
    const wrap = JSON.parse(after.privateKeyPassword!) as { v: number; N: number };
    expect(wrap.v).to.equal(2);
    expect(wrap.N).to.be.greaterThan(2 ** 14);
    expect(offlineHashMatches(after.passwordHash!, defaultPassword)).to.equal(false);
    expect(offlineWrapOpens(user.id, after.privateKeyPassword!, defaultPassword)).to.equal(false);

    const read = await api.get(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(JSON.stringify(read.body)).to.include("Skickat till den gamla nyckeln");
    // And the upgraded row signs in again.
    await signIn(user);
  });

  it("without the test override, hashes and wraps use N=2^17, r=8, p=1 (OWASP's minimum)", async () => {
    const defaults = loadEnv({ MASTER_KEY: env().MASTER_KEY, VAR_DIR: env().VAR_DIR });
    await withEnv({ PASSWORD_SCRYPT_LOG2_N: defaults.PASSWORD_SCRYPT_LOG2_N }, async () => {
      const hash = await hashSecret(defaultPassword);
      expect(hash).to.match(/^scrypt\+pepper\$N=131072,r=8,p=1\$/);
      expect(await verifySecret(defaultPassword, hash)).to.equal(true);
      const wrapped = JSON.parse(await wrapWithPassword("user-1", defaultPassword, Buffer.from("k"))) as object;
      expect(wrapped).to.include({ v: 2, N: 131072, r: 8, p: 1 });
      const back = await unwrapWithPassword("user-1", defaultPassword, JSON.stringify(wrapped));
      expect(back?.toString()).to.equal("k");
    });
  });
});
