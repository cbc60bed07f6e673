import { expect } from "chai";
import { transaction } from "../../backend/src/db.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { User } from "../../backend/src/models/User.js";
import { AuditEvent } from "../../backend/src/models/AuditEvent.js";
import { createOrganisation } from "../../backend/src/commands/createOrganisation.js";
import { recordAudit, auditHash } from "../../backend/src/commands/recordAudit.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../support/factories.js";
import { AppError } from "../../backend/src/errors.js";

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
});
