import crypto from "node:crypto";
import { expect } from "chai";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { transaction } from "../../../backend/src/db.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { policiesFor } from "../../../backend/src/services/orgPolicies.js";
import { secondFactorSetupDue } from "../../../backend/src/services/secondFactor.js";
import { sessionTimeoutsFor } from "../../../backend/src/services/sessionTimeouts.js";
import { attachmentLimitFor, planAttachmentLimitBytes } from "../../../backend/src/services/attachments/limits.js";
import { env } from "../../../backend/src/env.js";

/** The one reader of an organisation's policy row, and the three rules read through it. */
describe("organisation policy reader (policiesFor)", () => {
  it("is null without an organisation or for one that does not exist; else the stored policy", async () => {
    expect(await policiesFor(null)).to.equal(null);
    expect(await policiesFor(undefined)).to.equal(null);
    expect(await policiesFor(crypto.randomUUID())).to.equal(null);
    const org = await buildOrganisation();
    await Organisation.update({ policy: { sessionIdleMinutes: 15 } }, { where: { id: org.id } });
    expect(await policiesFor(org.id)).to.deep.include({ sessionIdleMinutes: 15 });
  });

  it("reads in the caller's transaction: a change not yet committed is seen there", async () => {
    const org = await buildOrganisation();
    await transaction(async (t) => {
      await Organisation.update({ policy: { requireSecondFactor: true } }, { where: { id: org.id }, transaction: t });
      expect(await policiesFor(org.id, t)).to.deep.include({ requireSecondFactor: true });
    });
  });

  it("the three rules read through it: 2FA setup due, session timeouts, attachment limit", async () => {
    const org = await buildOrganisation();
    const staff = await buildUser({ organisation: org, role: "staff" });
    const outsider = await buildUser({ organisation: null });
    const plan = planAttachmentLimitBytes();
    await transaction(async (t) => {
      expect(await secondFactorSetupDue(staff, t)).to.equal(false);
      expect(await sessionTimeoutsFor(staff, t)).to.deep.equal({
        idleSeconds: null,
        absoluteSeconds: env().SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      });
    });
    expect(await attachmentLimitFor(staff)).to.equal(plan);
    await Organisation.update(
      { policy: { requireSecondFactor: true, sessionIdleMinutes: 20, sessionAbsoluteHours: 2, attachmentMaxMb: 1 } },
      { where: { id: org.id } },
    );
    await transaction(async (t) => {
      expect(await secondFactorSetupDue(staff, t)).to.equal(true);
      expect(await secondFactorSetupDue(outsider, t)).to.equal(false);
      expect(await sessionTimeoutsFor(staff, t)).to.deep.equal({ idleSeconds: 20 * 60, absoluteSeconds: 2 * 3600 });
      expect(await sessionTimeoutsFor(outsider, t)).to.deep.equal({
        idleSeconds: null,
        absoluteSeconds: env().SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      });
    });
    expect(await attachmentLimitFor(staff)).to.equal(Math.min(plan, 1024 * 1024));
    expect(await attachmentLimitFor(outsider)).to.equal(plan);
  });
});
