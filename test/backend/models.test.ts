import { expect } from "chai";
import { transaction } from "../../backend/src/db.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { User } from "../../backend/src/models/User.js";
import { AuditEvent } from "../../backend/src/models/AuditEvent.js";
import { createOrganisation } from "../../backend/src/commands/createOrganisation.js";
import { recordAudit, auditHash } from "../../backend/src/services/audit/recordAudit.js";
import { buildOrganisation, buildUser, uniqueEmail, defaultPassword } from "../support/factories.js";
import { AppError } from "../../backend/src/errors.js";
import { verifyAuditChain } from "../../backend/src/services/audit/auditChain.js";
import { ApiClient } from "../support/server.js";

describe("data layer", () => {
  it("stores an organisation's policy as JSON and reads it back typed", async () => {
    const org = await buildOrganisation();
    org.policy = { zeroAccess: true, lockout: { threshold: 5 } };
    await org.save();
    const again = (await Organisation.findByPk(org.id))!;
    expect(again.policy).to.deep.equal({ zeroAccess: true, lockout: { threshold: 5 } });
    expect(again.region).to.equal("se");
  });

  it("refuses a second organisation with the same name", async () => {
    const org = await buildOrganisation();
    try {
      await transaction((t) => createOrganisation(t, { name: org.name }));
      expect.fail("created a duplicate");
    } catch (err) {
      expect(err).to.be.instanceOf(AppError);
      expect((err as AppError).id).to.equal("organisation_exists");
    }
  });

  it("normalises e-mail addresses and keeps them unique", async () => {
    const email = uniqueEmail("Mixed.Case");
    const user = await buildUser({ email: `  ${email.toUpperCase()} ` });
    expect(user.email).to.equal(email.toLowerCase());
    try {
      await buildUser({ email });
      expect.fail("created a duplicate");
    } catch (err) {
      expect((err as AppError).id).to.equal("user_exists");
    }
    expect(await User.count({ where: { email: email.toLowerCase() } })).to.equal(1);
  });

  it("rolls back every row of a transaction that fails half-way", async () => {
    const email = uniqueEmail();
    const before = await Organisation.count();
    await transaction(async (t) => {
      const org = await createOrganisation(t, { name: `Half ${email}` });
      await User.create({ organisationId: org.id, email, name: null, mobile: null }, { transaction: t });
      throw new Error("boom");
    }).catch(() => undefined);
    expect(await Organisation.count()).to.equal(before);
    expect(await User.findOne({ where: { email } })).to.equal(null);
  });

  it("chains audit events by hash and refuses updates", async () => {
    const user = await buildUser();
    const e1 = await transaction((t) => recordAudit(t, { type: "test.one", userId: user.id, data: { n: 1 } }));
    const e2 = await transaction((t) => recordAudit(t, { type: "test.two", userId: user.id, ip: "127.0.0.1" }));
    expect(e2.prevHash).to.equal(e1.hash);
    const stored = (await AuditEvent.findByPk(e2.id))!;
    expect(auditHash(stored.prevHash, stored)).to.equal(stored.hash);
    stored.type = "tampered";
    expect(auditHash(stored.prevHash, stored)).to.not.equal(stored.hash);
    try {
      await stored.save();
      expect.fail("updated an audit event");
    } catch (err) {
      expect((err as Error).message).to.match(/append-only/);
    }
  });

  it("appends audit events from concurrent requests without deadlocks, as one unbroken chain", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => buildUser({ organisation: null })));
    const clients = await Promise.all(users.map(() => ApiClient.create()));
    const answers = await Promise.all(
      users.map((u, i) => clients[i].post("/api/auth/login", { email: u.email, password: defaultPassword })),
    );
    expect(answers.map((a) => a.status)).to.deep.equal(users.map(() => 200));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => transaction((t) => recordAudit(t, { type: "test.parallel", data: { i } }))),
    );
    expect(await verifyAuditChain()).to.deep.include({ ok: true });
  });

  it("notices when the newest audit events are removed", async () => {
    await transaction((t) => recordAudit(t, { type: "test.newest" }));
    const newest = (await AuditEvent.findOne({ order: [["id", "DESC"]] }))!;
    await AuditEvent.destroy({ where: { id: newest.id } });
    const result = await verifyAuditChain();
    expect(result).to.deep.include({ ok: false, reason: "newest_events_missing" });
    // Put the chain back for the suites that follow.
    await AuditEvent.create({ ...newest.get({ plain: true }) } as never);
    expect(await verifyAuditChain()).to.deep.include({ ok: true });
  });
});
