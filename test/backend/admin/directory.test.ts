import crypto from "node:crypto";
import { expect } from "chai";
import { Op } from "sequelize";
import { ConfigError, env, loadEnv, setEnv, type Env } from "../../../backend/src/env.js";
import { transaction } from "../../../backend/src/db.js";
import { commands } from "../../../backend/src/cli/commands.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { Invitation } from "../../../backend/src/models/Invitation.js";
import type { Organisation } from "../../../backend/src/models/Organisation.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { Session } from "../../../backend/src/models/Session.js";
import { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { startTestDirectory, type GraphUser, type TestDirectory } from "../../support/directory.js";

/**
 * Microsoft 365 directory import (issue 10) end to end: the real MSAL client-credentials flow
 * against the local Entra provider over HTTPS (its token endpoint checks the client secret), a
 * Graph server that checks the app-only token and pages the group's members, and the admin API.
 */
describe("admin: Microsoft 365 directory import", function () {
  this.timeout(120_000);
  const TENANT = crypto.randomUUID();
  const GROUP = crypto.randomUUID();
  let dir: TestDirectory;
  let savedEnv: Env;
  let configured: Env;
  let org: Organisation;
  let admin: User;
  let adminApi: ApiClient;
  let staffApi: ApiClient;
  let anna: User;
  const ids = {
    admin: crypto.randomUUID(),
    anna: crypto.randomUUID(),
    bertil: crypto.randomUUID(),
    cecilia: crypto.randomUUID(),
    david: crypto.randomUUID(),
  };
  const mails = { bertil: uniqueEmail("bertil"), cecilia: uniqueEmail("cecilia"), david: uniqueEmail("david") };
  let members: Record<keyof typeof ids, GraphUser>;

  const setGroup = (...who: (keyof typeof ids | GraphUser)[]) =>
    dir.groups.set(
      GROUP,
      who.map((w) => (typeof w === "string" ? members[w] : w)),
    );
  const preview = (api = adminApi, groupId: string = GROUP) => api.post("/api/admin/directory/preview", { groupId });
  const apply = (body: { invite?: string[]; update?: string[]; deactivate?: string[] }, api = adminApi) =>
    api.post("/api/admin/directory/apply", { groupId: GROUP, ...body });
  async function state(): Promise<string> {
    const users = await User.findAll({ where: { organisationId: org.id }, order: [["id", "ASC"]] });
    return JSON.stringify({
      users: users.map((u) => [u.id, u.status, u.mobile, u.name, u.directoryObjectId]),
      invitations: await Invitation.count({ where: { organisationId: org.id } }),
      outbox: await OutboxEntry.count(),
      audit: await AuditEvent.count({ where: { organisationId: org.id, type: { [Op.ne]: "directory.previewed" } } }),
    });
  }

  before(async () => {
    dir = await startTestDirectory(TENANT);
    savedEnv = env();
    configured = {
      ...savedEnv,
      ENTRA_DIRECTORY_CLIENT_ID: dir.clientId,
      ENTRA_DIRECTORY_CLIENT_SECRET: dir.secret,
      ENTRA_AUTHORITY_URL: dir.authorityUrl,
      GRAPH_BASE_URL: dir.graphBaseUrl,
    };
    setEnv(configured);
    org = await buildOrganisation();
    await transaction((t) => commands["org:microsoft"].run(t, { org: org.name, tenant: TENANT }));
    admin = await buildUser({ organisation: org, role: "admin", name: "Alva Admin" });
    anna = await buildUser({ organisation: org, role: "staff", name: "Anna Andersson", mobile: "+46701112233" });
    const staff = await buildUser({ organisation: org, role: "staff", name: "Not In Directory" });
    adminApi = await signIn(admin);
    staffApi = await signIn(staff);
    members = {
      admin: { id: ids.admin, displayName: "Alva Admin", mail: admin.email.toUpperCase(), mobilePhone: admin.mobile },
      anna: { id: ids.anna, displayName: "Anna Andersson", mail: anna.email, mobilePhone: "+46 70 111 22 33" },
      bertil: { id: ids.bertil, displayName: "Bertil Berg", mail: mails.bertil, mobilePhone: "070-222 33 44" },
      cecilia: { id: ids.cecilia, displayName: "Cecilia Ek", mail: mails.cecilia, mobilePhone: "+46703334455" },
      david: { id: ids.david, displayName: "David Utan Mobil", mail: mails.david, mobilePhone: null },
    };
    // Five users and a device across three pages of two.
    setGroup("admin", "anna", { id: `device:${crypto.randomUUID()}` }, "bertil", "cecilia", "david");
  });

  after(async () => {
    setEnv(savedEnv);
    await dir?.close();
  });

  it("shows the connection: configured, the tenant, no group or import yet", async () => {
    const res = await adminApi.get("/api/admin/directory");
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({ configured: true, tenantId: TENANT, groupId: null, lastImportAt: null });
  });

  it("previews the group across every @odata.nextLink page: new, changed, gone, unchanged", async () => {
    dir.requests.length = 0;
    const res = await preview();
    expect(res.status, res.text).to.equal(200);
    // Three pages, each after the first reached through the nextLink, all with the token accepted.
    expect(dir.requests.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    expect(dir.requests.slice(1).every((r) => r.path.includes("skiptoken"))).to.equal(true);
    const body = res.body as {
      new: { objectId: string; email: string; mobile: string; problem: string | null }[];
      changed: unknown[];
      gone: unknown[];
      unchanged: number;
    };
    expect(body.new.map((n) => [n.objectId, n.problem])).to.deep.equal([
      [ids.bertil, null],
      [ids.cecilia, null],
      [ids.david, "mobile_missing"],
    ]);
    expect(body.new[0].mobile, "a national number is read as Swedish").to.equal("+46702223344");
    expect(body.changed).to.deep.equal([]);
    expect(body.gone).to.deep.equal([]);
    expect(body.unchanged, "the admin and Anna, matched by e-mail").to.equal(2);
    const status = await adminApi.get("/api/admin/directory");
    expect(status.body.groupId).to.equal(GROUP);
  });

  it("applies: invites the new people once (applying twice invites nobody twice), records their object ids", async () => {
    const res = await apply({ invite: [ids.bertil, ids.cecilia, ids.david] });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({
      invited: 2,
      updated: 0,
      deactivated: 0,
      skipped: [{ id: ids.david, reason: "cannot_invite" }],
    });
    const invitations = await Invitation.findAll({ where: { organisationId: org.id } });
    expect(invitations.map((i) => [i.email, i.directoryObjectId, i.role]).sort()).to.deep.equal(
      [
        [mails.bertil, ids.bertil, "staff"],
        [mails.cecilia, ids.cecilia, "staff"],
      ].sort(),
    );
    const invitedUser = await User.findOne({ where: { email: mails.bertil } });
    expect(invitedUser).to.include({ status: "invited", directoryObjectId: ids.bertil, mobile: "+46702223344" });
    expect(await OutboxEntry.count({ where: { channel: "email" } })).to.be.greaterThan(0);
    // Matched by e-mail: the object id is recorded, so leaving the group is noticed later.
    expect((await User.findByPk(anna.id))!.directoryObjectId).to.equal(ids.anna);
    expect((await User.findByPk(admin.id))!.directoryObjectId).to.equal(ids.admin);
    const audit = await AuditEvent.findOne({ where: { organisationId: org.id, type: "directory.imported" } });
    expect(audit?.actorId).to.equal(admin.id);

    const before = await state();
    const again = await apply({ invite: [ids.bertil, ids.cecilia] });
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ invited: 0, updated: 0, deactivated: 0 });
    expect(again.body.skipped).to.deep.equal([
      { id: ids.bertil, reason: "no_longer_applies" },
      { id: ids.cecilia, reason: "no_longer_applies" },
    ]);
    const after = JSON.parse(await state()) as { invitations: number; users: unknown };
    expect(after.invitations).to.equal(JSON.parse(before).invitations);
    expect(after.users).to.deep.equal(JSON.parse(before).users);
    const p = await preview();
    expect((p.body.new as { objectId: string }[]).map((n) => n.objectId)).to.deep.equal([ids.david]);
    expect(p.body.unchanged, "invited people with open invitations are unchanged").to.equal(4);
    const status = await adminApi.get("/api/admin/directory");
    expect(status.body.lastImportAt).to.be.a("string");
  });

  it("a changed mobile number and name: preview shows them, apply changes the mobile as the admin action does (e-mail to the person)", async () => {
    members.anna = { ...members.anna, displayName: "Anna Berg", mobilePhone: "+46 70 999 88 77" };
    setGroup("admin", "anna", "bertil", "cecilia", "david");
    const p = await preview();
    expect(p.body.changed).to.deep.equal([
      {
        objectId: ids.anna,
        userId: anna.id,
        name: "Anna Andersson",
        email: anna.email,
        changes: [
          { field: "name", from: "Anna Andersson", to: "Anna Berg" },
          { field: "mobile", from: "+46701112233", to: "+46709998877" },
        ],
      },
    ]);
    const mailsBefore = await OutboxEntry.count();
    const res = await apply({ update: [ids.anna] });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ updated: 1, invited: 0, deactivated: 0 });
    const after = (await User.findByPk(anna.id))!;
    expect(after).to.include({ name: "Anna Berg", mobile: "+46709998877" });
    expect(await OutboxEntry.count(), "the person is told").to.equal(mailsBefore + 1);
    const types = (await AuditEvent.findAll({ where: { organisationId: org.id, userId: anna.id } })).map((a) => a.type);
    expect(types).to.include.members(["admin.user_mobile_changed", "admin.user_name_changed"]);
    expect((await apply({ update: [ids.anna] })).body).to.include({ updated: 0 });
  });

  it("a removed member is gone and deactivated on apply; the acting admin never is", async () => {
    await signIn(anna);
    expect(await Session.count({ where: { userId: anna.id } })).to.be.greaterThan(0);
    // Anna and the admin have left the group; Cecilia's invitation is withdrawn.
    setGroup("bertil", "david");
    const p = await preview();
    expect(p.status, p.text).to.equal(200);
    const gone = (p.body.gone as { userId: string; invited: boolean; blocked: string | null }[]).sort((a, b) =>
      a.userId.localeCompare(b.userId),
    );
    const cecilia = (await User.findOne({ where: { email: mails.cecilia } }))!;
    expect(gone).to.deep.equal(
      [
        { userId: admin.id, name: "Alva Admin", email: admin.email, role: "admin", invited: false, blocked: "self" },
        { userId: anna.id, name: "Anna Berg", email: anna.email, role: "staff", invited: false, blocked: null },
        {
          userId: cecilia.id,
          name: "Cecilia Ek",
          email: mails.cecilia,
          role: "staff",
          invited: true,
          blocked: null,
        },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
    );
    const res = await apply({ deactivate: [anna.id, admin.id, cecilia.id] });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({ deactivated: 2, skipped: [{ id: admin.id, reason: "self" }] });
    expect((await User.findByPk(anna.id))!.status).to.equal("deactivated");
    expect(await Session.count({ where: { userId: anna.id } }), "her sessions end").to.equal(0);
    expect((await User.findByPk(admin.id))!.status).to.equal("active");
    const inv = await Invitation.findOne({ where: { userId: cecilia.id } });
    expect(inv!.status).to.equal("revoked");
    // Gone once: a second preview no longer lists them, and a second apply does nothing.
    const again = await preview();
    expect((again.body.gone as { userId: string }[]).map((g) => g.userId)).to.deep.equal([admin.id]);
    expect((await apply({ deactivate: [anna.id] })).body).to.deep.include({
      deactivated: 0,
      skipped: [{ id: anna.id, reason: "no_longer_applies" }],
    });
    // A member who was never imported (no object id) is never gone.
    expect((again.body.gone as { name: string }[]).map((g) => g.name)).to.not.include("Not In Directory");
  });

  it("a recreated directory account (new object id, same address) is the same person: relinked, never gone", async () => {
    const rita = await buildUser({ organisation: org, role: "staff", name: "Rita Rask", mobile: "+46701010101" });
    await User.update({ directoryObjectId: crypto.randomUUID() }, { where: { id: rita.id } });
    const newId = crypto.randomUUID();
    setGroup("bertil", "david", { id: newId, displayName: "Rita Rask", mail: rita.email, mobilePhone: "+46701010101" });
    const p = await preview();
    expect(
      (p.body.gone as { userId: string }[]).map((g) => g.userId),
      "only the admin (self)",
    ).to.deep.equal([admin.id]);
    expect((p.body.new as { objectId: string }[]).map((n) => n.objectId)).to.deep.equal([ids.david]);
    const res = await apply({ deactivate: [rita.id] });
    expect(res.body).to.deep.include({ deactivated: 0, skipped: [{ id: rita.id, reason: "no_longer_applies" }] });
    expect((await User.findByPk(rita.id))!).to.include({ status: "active", directoryObjectId: newId });
    setGroup("bertil", "david");
    await User.update({ directoryObjectId: null }, { where: { id: rita.id } });
  });

  it("waits out Graph's 429 with Retry-After and retries; gives up after a bounded number (503 directory_throttled)", async () => {
    dir.throttle.next = 2;
    dir.throttle.retryAfter = "1";
    dir.throttle.seen = 0;
    const started = Date.now();
    const res = await preview();
    expect(res.status, res.text).to.equal(200);
    expect(dir.throttle.seen).to.equal(2);
    expect(Date.now() - started, "waited Retry-After each time").to.be.at.least(1900);

    const before = await state();
    dir.throttle.next = 100;
    dir.throttle.retryAfter = "0";
    dir.throttle.seen = 0;
    const refused = await apply({ invite: [ids.david] });
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body.error).to.equal("directory_throttled");
    expect(dir.throttle.seen, "the first try and three retries").to.equal(4);
    dir.throttle.next = 0;
    expect(await state(), "nothing applied").to.equal(before);
  });

  it("a bad client secret: 502 directory_auth_failed, nothing applied", async () => {
    const before = await state();
    setEnv({ ...configured, ENTRA_DIRECTORY_CLIENT_SECRET: "not-the-secret" });
    try {
      const p = await preview();
      expect(p.status, p.text).to.equal(502);
      expect(p.body.error).to.equal("directory_auth_failed");
      expect(p.text).to.not.contain("not-the-secret");
      const res = await apply({ deactivate: [anna.id], invite: [ids.david] });
      expect(res.status).to.equal(502);
      expect(res.body.error).to.equal("directory_auth_failed");
    } finally {
      setEnv(configured);
    }
    expect(await state()).to.equal(before);
  });

  it("a certificate instead of a secret: MSAL's signed client assertion is accepted", async () => {
    setEnv({
      ...configured,
      ENTRA_DIRECTORY_CLIENT_ID: dir.certClientId,
      ENTRA_DIRECTORY_CLIENT_SECRET: undefined,
      ENTRA_DIRECTORY_CERT_FILE: dir.certFile,
    });
    try {
      const res = await preview();
      expect(res.status, res.text).to.equal(200);
    } finally {
      setEnv(configured);
    }
  });

  it("the configuration takes exactly one credential with the client id", () => {
    const base = { NODE_ENV: "test", MASTER_KEY: crypto.randomBytes(32).toString("base64") };
    const id = crypto.randomUUID();
    expect(() => loadEnv({ ...base, ENTRA_DIRECTORY_CLIENT_ID: id })).to.throw(ConfigError, /exactly one/);
    expect(() =>
      loadEnv({
        ...base,
        ENTRA_DIRECTORY_CLIENT_ID: id,
        ENTRA_DIRECTORY_CLIENT_SECRET: "s",
        ENTRA_DIRECTORY_CERT_FILE: dir.certFile,
      }),
    ).to.throw(ConfigError, /exactly one/);
    expect(() => loadEnv({ ...base, ENTRA_DIRECTORY_CLIENT_SECRET: "s" })).to.throw(ConfigError, /CLIENT_ID/);
    expect(() =>
      loadEnv({ ...base, ENTRA_DIRECTORY_CLIENT_ID: id, ENTRA_DIRECTORY_CERT_FILE: "/nonexistent/app.pem" }),
    ).to.throw(ConfigError, /not a readable file/);
    expect(
      loadEnv({ ...base, ENTRA_DIRECTORY_CLIENT_ID: id, ENTRA_DIRECTORY_CERT_FILE: dir.certFile }).GRAPH_BASE_URL,
    ).to.equal("https://graph.microsoft.com/v1.0");
  });

  it("refuses an unknown group (422), and says when the directory is not set up (409)", async () => {
    const res = await preview(adminApi, crypto.randomUUID());
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error).to.equal("directory_group_not_found");
    expect((await preview(adminApi, "not-a-guid")).status).to.equal(400);
    setEnv({ ...configured, ENTRA_DIRECTORY_CLIENT_ID: undefined, ENTRA_DIRECTORY_CLIENT_SECRET: undefined });
    try {
      expect((await adminApi.get("/api/admin/directory")).body.configured).to.equal(false);
      const p = await preview();
      expect(p.status).to.equal(409);
      expect(p.body.error).to.equal("directory_not_configured");
    } finally {
      setEnv(configured);
    }
  });

  it("members listed with their id only (no User.Read.All consent): 502 directory_permission_denied", async () => {
    const limited = crypto.randomUUID();
    dir.groups.set(limited, [{ id: crypto.randomUUID() }, { id: crypto.randomUUID() }]);
    const res = await preview(adminApi, limited);
    expect(res.status, res.text).to.equal(502);
    expect(res.body.error).to.equal("directory_permission_denied");
  });

  it("another organisation's admin cannot preview or apply this organisation's directory", async () => {
    const before = await state();
    const other = await buildOrganisation();
    const otherAdmin = await signIn(await buildUser({ organisation: other, role: "admin" }));
    const p = await preview(otherAdmin);
    expect(p.status).to.equal(409);
    expect(p.body.error).to.equal("directory_not_configured");
    const a = await apply({ deactivate: [anna.id, admin.id] }, otherAdmin);
    expect(a.status).to.equal(409);
    // Connected to its own tenant: Graph refuses that tenant's token for this tenant's data,
    // and this organisation's members can never be named for deactivation there.
    const otherTenant = crypto.randomUUID();
    await transaction((t) => commands["org:microsoft"].run(t, { org: other.name, tenant: otherTenant }));
    const p2 = await preview(otherAdmin);
    expect(p2.status, p2.text).to.equal(502);
    expect(p2.body.error).to.equal("directory_permission_denied");
    expect(p2.text).to.not.contain(anna.email);
    const status = await otherAdmin.get("/api/admin/directory");
    expect(status.body).to.include({ tenantId: otherTenant, groupId: null });
    expect(await state()).to.equal(before);
  });

  it("staff get 403 on every directory route", async () => {
    const before = await state();
    for (const res of [
      await staffApi.get("/api/admin/directory"),
      await preview(staffApi),
      await apply({ deactivate: [anna.id] }, staffApi),
    ]) {
      expect(res.status).to.equal(403);
      expect(res.body.error).to.equal("forbidden");
    }
    expect(await state()).to.equal(before);
  });
});
