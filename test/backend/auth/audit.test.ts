import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { Op } from "sequelize";
import { db } from "../../../backend/src/db.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { User } from "../../../backend/src/models/User.js";
import { verifyAuditChain } from "../../../backend/src/services/audit/auditChain.js";

interface Page {
  events: Array<{
    id: number;
    type: string;
    userId: string | null;
    ip: string | null;
    userAgent: string | null;
    createdAt: string;
  }>;
  nextBefore: number | null;
}

describe("audit log", () => {
  it("shows me my own events with time, IP and user agent, paginated, and nobody else's", async () => {
    const me = await buildUser();
    const other = await buildUser();
    const api = await ApiClient.create();
    await api.post(
      "/api/auth/login",
      { email: me.email, password: "Wrong-password-1" },
      { "User-Agent": "AuditTest/1.0" },
    );
    await api.post(
      "/api/auth/login",
      { email: me.email, password: defaultPassword },
      { "User-Agent": "AuditTest/1.0" },
    );
    await signIn(other);

    const first = await api.get<Page>("/api/account/audit?limit=2");
    expect(first.status).to.equal(200);
    expect(first.body.events).to.have.length(2);
    expect(first.body.events.every((e) => e.userId === me.id)).to.equal(true);
    expect(first.body.events[0].type).to.equal("login.succeeded");
    expect(first.body.events[0].ip).to.be.a("string");
    expect(first.body.events[0].userAgent).to.equal("AuditTest/1.0");
    expect(first.body.nextBefore).to.be.a("number");
    const second = await api.get<Page>(`/api/account/audit?limit=2&before=${first.body.nextBefore}`);
    const all = [...first.body.events, ...second.body.events].map((e) => e.type);
    expect(all).to.include.members(["login.succeeded", "login.failed", "user.created"]);
    expect((await api.get("/api/account/audit?limit=9999")).status).to.equal(400);
  });

  it("admins see their organisation's events only; staff get 403", async () => {
    const org = await buildOrganisation();
    const admin = await buildUser({ organisation: org, role: "admin" });
    const staff = await buildUser({ organisation: org });
    const outsider = await buildUser();
    await signIn(staff);
    await signIn(outsider);
    const adminApi = await signIn(admin);
    const page = await adminApi.get<Page>("/api/admin/audit?limit=200");
    expect(page.status).to.equal(200);
    const users = new Set(page.body.events.map((e) => e.userId));
    expect(users.has(staff.id)).to.equal(true);
    expect(users.has(outsider.id)).to.equal(false);
    const filtered = await adminApi.get<Page>(`/api/admin/audit?userId=${staff.id}`);
    expect(filtered.body.events.every((e) => e.userId === staff.id)).to.equal(true);
    expect((await (await signIn(staff)).get("/api/admin/audit")).status).to.equal(403);
  });

  it("the hash chain verifies, and editing or deleting a row is detected", async () => {
    const user = await buildUser();
    await signIn(user);
    const ok = await verifyAuditChain();
    expect(ok.ok).to.equal(true);
    expect(ok.checked).to.be.greaterThan(2);

    const target = (await AuditEvent.findOne({ where: { userId: user.id, type: "login.succeeded" } }))!;
    const qi = db().getQueryInterface();
    const original = { ip: target.ip };
    // An insider with database access rewrites the IP of a sign-in.
    await qi.bulkUpdate("audit_events", { ip: "203.0.113.9" }, { id: target.id });
    const tampered = await verifyAuditChain();
    expect(tampered).to.deep.include({ ok: false, brokenAt: Number(target.id), reason: "hash_mismatch" });
    await qi.bulkUpdate("audit_events", original, { id: target.id });
    expect((await verifyAuditChain()).ok).to.equal(true);

    // Removing a row in the middle breaks the link of the next one.
    await signIn(user);
    const victim = target;
    const next = (await AuditEvent.findOne({ where: { id: { [Op.gt]: victim.id } }, order: [["id", "ASC"]] }))!;
    await qi.bulkDelete("audit_events", { id: victim.id });
    const gap = await verifyAuditChain();
    expect(gap).to.deep.include({ ok: false, brokenAt: Number(next.id), reason: "broken_link" });
    // Put it back exactly so later suites see an intact chain.
    await AuditEvent.create({ ...victim.get({ plain: true }) });
    expect((await verifyAuditChain()).ok).to.equal(true);
  });

  it("deleting a user (their ids in old events become NULL) is not tampering; rewriting an id to another user is", async () => {
    const leaver = await buildUser();
    await signIn(leaver);
    const theirs = (await AuditEvent.findOne({ where: { userId: leaver.id, type: "login.succeeded" } }))!;
    await User.destroy({ where: { id: leaver.id } });
    const after = (await AuditEvent.findByPk(theirs.id))!;
    expect(after.userId, "ON DELETE SET NULL").to.equal(null);
    expect((await verifyAuditChain()).ok).to.equal(true);

    const framed = await buildUser();
    const qi = db().getQueryInterface();
    await qi.bulkUpdate("audit_events", { user_id: framed.id }, { id: theirs.id });
    expect(await verifyAuditChain()).to.deep.include({
      ok: false,
      brokenAt: Number(theirs.id),
      reason: "hash_mismatch",
    });
    await qi.bulkUpdate("audit_events", { user_id: null }, { id: theirs.id });
    expect((await verifyAuditChain()).ok).to.equal(true);
  });
});
