import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { ApiClient } from "../../support/server.js";
import { db } from "../../../backend/src/db.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import type { User } from "../../../backend/src/models/User.js";

interface Event {
  id: number;
  type: string;
  userId: string | null;
  actorId: string | null;
  person: { email: string } | null;
  actor: { email: string } | null;
}
interface Page {
  events: Event[];
  nextBefore: number | null;
}

describe("admin console: audit log (issue 10)", function () {
  this.timeout(60_000);
  let admin: ApiClient;
  let adminUser: User;
  let staff: User;
  let other: ApiClient;
  let otherStaff: User;

  before(async () => {
    const org = await buildOrganisation();
    adminUser = await buildUser({ organisation: org, role: "admin" });
    staff = await buildUser({ organisation: org, role: "staff" });
    admin = await signIn(adminUser);
    await signIn(staff);
    await admin.post(`/api/admin/users/${staff.id}/sign-out-everywhere`, {}, { "User-Agent": '=HYPERLINK("x")' });
    await admin.put(`/api/admin/users/${staff.id}/role`, { role: "admin" });
    await admin.put(`/api/admin/users/${staff.id}/role`, { role: "staff" });
    const otherOrg = await buildOrganisation();
    otherStaff = await buildUser({ organisation: otherOrg, role: "staff" });
    other = await signIn(await buildUser({ organisation: otherOrg, role: "admin" }));
    await signIn(otherStaff);
  });

  it("lists the organisation's events with the people named, filtered by person, type and period, in pages", async () => {
    const all = await admin.get<Page>("/api/admin/audit?limit=200");
    expect(all.status, all.text).to.equal(200);
    const types = all.body.events.map((e) => e.type);
    expect(types).to.include.members(["admin.user_role_changed", "session.revoked_all", "login.succeeded"]);
    expect(all.body.events.every((e) => e.userId !== otherStaff.id)).to.equal(true);
    const role = all.body.events.find((e) => e.type === "admin.user_role_changed")!;
    expect(role.person?.email).to.equal(staff.email);
    expect(role.actor?.email).to.equal(adminUser.email);

    const byType = await admin.get<Page>("/api/admin/audit?type=admin.user_role_changed");
    expect(byType.body.events.map((e) => e.type)).to.deep.equal(["admin.user_role_changed", "admin.user_role_changed"]);
    const byPerson = await admin.get<Page>(`/api/admin/audit?email=${encodeURIComponent(staff.email.toUpperCase())}`);
    expect(byPerson.body.events.length).to.be.above(2);
    expect(byPerson.body.events.every((e) => e.userId === staff.id || e.actorId === staff.id)).to.equal(true);
    const byActor = await admin.get<Page>(`/api/admin/audit?userId=${adminUser.id}&type=session.revoked_all`);
    expect(byActor.body.events).to.have.length(1);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await admin.get<Page>(`/api/admin/audit?from=${future}`)).body.events).to.deep.equal([]);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await admin.get<Page>(`/api/admin/audit?from=${past}&to=${future}`)).body.events.length).to.equal(
      all.body.events.length,
    );

    const first = await admin.get<Page>("/api/admin/audit?limit=2");
    const second = await admin.get<Page>(`/api/admin/audit?limit=2&before=${first.body.nextBefore}`);
    expect(second.body.events.map((e) => e.id)).to.deep.equal(all.body.events.slice(2, 4).map((e) => e.id));

    for (const bad of ["from=yesterday", `from=${future}&to=${past}`, "type=DROP TABLE", "limit=500"])
      expect((await admin.get(`/api/admin/audit?${bad}`)).status, bad).to.equal(400);
    expect((await admin.get(`/api/admin/audit?userId=${otherStaff.id}`)).status).to.equal(404);
    expect((await admin.get<Page>(`/api/admin/audit?email=${otherStaff.email}`)).body.events).to.deep.equal([]);
    expect((await other.get(`/api/admin/audit?userId=${staff.id}`)).status).to.equal(404);

    const typesRes = await admin.get<{ types: string[] }>("/api/admin/audit/types");
    expect(typesRes.body.types).to.include("admin.user_role_changed");
  });

  it("exports the filtered events as a streamed CSV with formulas defused, and records the export", async () => {
    const res = await fetch(`${admin.baseUrl}/api/admin/audit/export?email=${encodeURIComponent(staff.email)}`, {
      headers: { Cookie: admin.cookieHeader() },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).to.match(
      /^attachment; filename="kuvert-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await res.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).to.equal("id,time,type,person,actor,ip,user_agent,data");
    expect(lines.some((l) => l.includes('"admin.user_role_changed"') && l.includes(staff.email))).to.equal(true);
    expect(text).to.contain(`"'=HYPERLINK(""x"")"`);
    expect(text).to.not.contain(otherStaff.email);
    const exported = await AuditEvent.findOne({ where: { type: "admin.audit_exported", actorId: adminUser.id } });
    expect(exported?.data).to.deep.include({
      filters: { userId: null, email: staff.email, type: null, from: null, to: null },
    });
  });

  it("shows the chain's verification plainly: intact, or broken at which event", async () => {
    const ok = await admin.get<Record<string, unknown>>("/api/admin/audit/verify");
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.include({ intact: true, reason: null, brokenAt: null });

    const mine = await AuditEvent.findOne({ where: { type: "admin.user_role_changed" }, order: [["id", "ASC"]] });
    const original = mine!.ip;
    await db().query("UPDATE audit_events SET ip = ? WHERE id = ?", { replacements: ["203.0.113.9", mine!.id] });
    try {
      const broken = await admin.get<Record<string, unknown>>("/api/admin/audit/verify");
      expect(broken.body).to.deep.include({ intact: false, reason: "hash_mismatch" });
      expect(broken.body.brokenAt).to.deep.include({
        id: Number(mine!.id),
        type: "admin.user_role_changed",
        inOrganisation: true,
      });
      const seenByOther = await other.get<Record<string, unknown>>("/api/admin/audit/verify");
      expect(seenByOther.body.brokenAt).to.deep.equal({
        id: Number(mine!.id),
        type: null,
        createdAt: null,
        inOrganisation: false,
      });
    } finally {
      await db().query("UPDATE audit_events SET ip = ? WHERE id = ?", { replacements: [original, mine!.id] });
    }
    expect((await admin.get<Record<string, unknown>>("/api/admin/audit/verify")).body.intact).to.equal(true);
  });
});
