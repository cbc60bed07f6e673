import { expect } from "chai";
import { PNG } from "pngjs";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { registeredRoutes } from "../../../backend/src/api/route.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { Session } from "../../../backend/src/models/Session.js";
import { User } from "../../../backend/src/models/User.js";
import { Invitation } from "../../../backend/src/models/Invitation.js";
import { NotificationLogo, NotificationText } from "../../../backend/src/models/NotificationText.js";
import { transaction } from "../../../backend/src/db.js";
import { inviteUsers } from "../../../backend/src/commands/inviteUsers.js";

interface Call {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Koa path as registered (the coverage check compares it). */
  route: string;
  /** The path with another organisation's member's id filled in. */
  path: (targetId: string) => string;
  body?: unknown | (() => unknown);
  /** Routes without an id of another organisation: an admin there gets their own data instead. */
  ownScope?: boolean;
  /** What another organisation's admin gets when it is neither 404 nor their own data. */
  otherOrganisation?: { status: number; error: string };
}

/** Every /api/admin/… route this console adds (the templates routes have their own suite). */
const calls: Call[] = [
  { method: "GET", route: "/api/admin/users", path: () => "/api/admin/users", ownScope: true },
  ...["deactivate", "reactivate", "unlock", "reset-2fa", "sign-out-everywhere"].map((a): Call => ({
    method: "POST",
    route: `/api/admin/users/:id/${a}`,
    path: (id) => `/api/admin/users/${id}/${a}`,
    body: {},
  })),
  {
    method: "PUT",
    route: "/api/admin/users/:id/role",
    path: (id) => `/api/admin/users/${id}/role`,
    body: { role: "admin" },
  },
  {
    method: "PUT",
    route: "/api/admin/users/:id/mobile",
    path: (id) => `/api/admin/users/${id}/mobile`,
    body: { mobile: "+46709990000" },
  },
  { method: "GET", route: "/api/admin/policies", path: () => "/api/admin/policies", ownScope: true },
  {
    method: "PATCH",
    route: "/api/admin/policies",
    path: () => "/api/admin/policies",
    body: { lockout: { threshold: 7 }, zeroAccess: true, confirmZeroAccess: true },
    ownScope: true,
  },
  { method: "GET", route: "/api/admin/usage", path: () => "/api/admin/usage", ownScope: true },
  { method: "GET", route: "/api/admin/audit", path: (id) => `/api/admin/audit?userId=${id}` },
  { method: "GET", route: "/api/admin/audit/types", path: () => "/api/admin/audit/types", ownScope: true },
  { method: "GET", route: "/api/admin/audit/export", path: (id) => `/api/admin/audit/export?userId=${id}` },
  { method: "GET", route: "/api/admin/audit/verify", path: () => "/api/admin/audit/verify", ownScope: true },
  { method: "GET", route: "/api/admin/templates", path: () => "/api/admin/templates", ownScope: true },
  { method: "GET", route: "/api/admin/signature", path: () => "/api/admin/signature", ownScope: true },
  {
    method: "PUT",
    route: "/api/admin/signature",
    path: () => "/api/admin/signature",
    body: { html: "<p>{name}</p>", mode: "mandatory" },
    ownScope: true,
  },
  {
    method: "POST",
    route: "/api/admin/signature/preview",
    path: () => "/api/admin/signature/preview",
    body: { html: "<p>{organisation}</p>" },
    ownScope: true,
  },
  {
    method: "GET",
    route: "/api/admin/notification-texts",
    path: () => "/api/admin/notification-texts",
    ownScope: true,
  },
  ...["PUT", "DELETE"].map((method): Call => ({
    method: method as "PUT" | "DELETE",
    route: "/api/admin/notification-texts/:lang",
    path: () => "/api/admin/notification-texts/sv",
    body: method === "PUT" ? { footer: "Matrix footer {organisation}" } : undefined,
    ownScope: true,
  })),
  {
    method: "DELETE",
    route: "/api/admin/notification-texts/logo",
    path: () => "/api/admin/notification-texts/logo",
    ownScope: true,
  },
  {
    method: "POST",
    route: "/api/admin/notification-texts/preview",
    path: () => "/api/admin/notification-texts/preview",
    body: { locale: "en", texts: { intro: "Hi {sender}" } },
    ownScope: true,
  },
  { method: "GET", route: "/api/admin/invitations", path: () => "/api/admin/invitations", ownScope: true },
  {
    method: "POST",
    route: "/api/admin/invitations",
    path: () => "/api/admin/invitations",
    // The target's address: another organisation's admin cannot invite a member of this one.
    body: () => ({ email: targetEmail, mobile: "+46709990001", role: "staff" }),
    otherOrganisation: { status: 409, error: "user_exists" },
  },
  ...["resend", "revoke"].map((a): Call => ({
    method: "POST",
    route: `/api/admin/invitations/:id/${a}`,
    path: () => `/api/admin/invitations/${invitationId}/${a}`,
    body: {},
  })),
  // Microsoft 365 directory: always the admin's own tenant; another organisation (not connected) is told so.
  { method: "GET", route: "/api/admin/directory", path: () => "/api/admin/directory", ownScope: true },
  {
    method: "POST",
    route: "/api/admin/directory/preview",
    path: () => "/api/admin/directory/preview",
    body: { groupId: "0f4f6a52-3c55-4f43-9d53-6f0a3f5b1a11" },
    otherOrganisation: { status: 409, error: "directory_not_configured" },
  },
  {
    method: "POST",
    route: "/api/admin/directory/apply",
    path: () => "/api/admin/directory/apply",
    body: () => ({ groupId: "0f4f6a52-3c55-4f43-9d53-6f0a3f5b1a11", deactivate: [targetId] }),
    otherOrganisation: { status: 409, error: "directory_not_configured" },
  },
];
/** The template API's admin writes (routes/templates) have their own suite (test/backend/messages/templates.test.ts). */
const elsewhere = new Set([
  "POST /api/admin/templates",
  "PUT /api/admin/templates/:id",
  "DELETE /api/admin/templates/:id",
  // The import takes a CSV body, not JSON: its refusals are checked on their own below.
  "POST /api/admin/invitations/import",
  // The logo upload takes an image body: checked on its own below.
  "PUT /api/admin/notification-texts/logo",
  // Shared mailboxes: test/backend/mailboxes/sharedMailboxes.test.ts refuses them the same way.
  "GET /api/admin/mailboxes",
  "POST /api/admin/mailboxes",
  "GET /api/admin/mailboxes/:id",
  "PUT /api/admin/mailboxes/:id/members/:userId",
  "DELETE /api/admin/mailboxes/:id/members/:userId",
  // Rename and delete: test/backend/mailboxes/manageMailboxes.test.ts (staff 403, other admin 404, anonymous 401).
  "PATCH /api/admin/mailboxes/:id",
  "DELETE /api/admin/mailboxes/:id",
]);
let invitationId = "";
let targetEmail = "";
let targetId = "";

describe("admin console: refusals over every /api/admin route (staff 403, other organisation 404, anonymous 401)", function () {
  this.timeout(120_000);
  let staff: ApiClient;
  let otherAdmin: ApiClient;
  let anonymous: ApiClient;
  let target: User;
  let org: Organisation;

  async function snapshot(): Promise<string> {
    const u = await User.findByPk(target.id);
    const o = await Organisation.findByPk(org.id);
    return JSON.stringify({
      user: [u!.role, u!.status, u!.mobile, u!.lockedAt, u!.failedLoginCount, u!.updatedAt],
      policy: o!.policy,
      audit: await AuditEvent.count({ where: { organisationId: org.id } }),
      sessions: await Session.count({ where: { userId: target.id } }),
      outbox: await OutboxEntry.count(),
      invitation: JSON.stringify(await Invitation.findByPk(invitationId)),
      invitations: await Invitation.count(),
      notificationTexts: JSON.stringify(await NotificationText.findAll({ where: { organisationId: org.id } })),
      logo: JSON.stringify(await NotificationLogo.findByPk(org.id)),
    });
  }

  before(async () => {
    org = await buildOrganisation();
    const other = await buildOrganisation();
    await buildUser({ organisation: org, role: "admin" });
    const staffUser = await buildUser({ organisation: org, role: "staff" });
    target = await buildUser({ organisation: org, role: "staff", name: "Target Person" });
    const otherAdminUser = await buildUser({ organisation: other, role: "admin" });
    staff = await signIn(staffUser);
    otherAdmin = await signIn(otherAdminUser);
    anonymous = await ApiClient.create();
    // The target keeps a live session and is locked, so a refused sign-out, deactivation or unlock would show.
    await signIn(target);
    await User.update({ lockedAt: new Date(), failedLoginCount: 3 }, { where: { id: target.id } });
    expect(await Session.count({ where: { userId: target.id } })).to.equal(1);
    targetEmail = target.email;
    targetId = target.id;
    // An open invitation of this organisation: a refused resend or revoke would show on it.
    const invited = await transaction((t) =>
      inviteUsers(t, {
        organisationId: org.id,
        inviter: null,
        locale: "en",
        rows: [{ email: `matrix-${Date.now()}@example.test`, mobile: "+46709990002", role: "staff" }],
        source: "cli",
      }),
    );
    if (!invited.ok) throw new Error("invitation not created");
    invitationId = invited.invitations[0].id;
  });

  it("POST /api/admin/invitations/import (CSV)", async () => {
    const before = await snapshot();
    const csv = Buffer.from(`name,email,mobile,role\nX,matrix-csv@example.test,+46709990003,staff\n`);
    const headers = { "Content-Type": "text/csv" };
    expect((await anonymous.request("POST", "/api/admin/invitations/import", csv, headers)).status).to.equal(401);
    const byStaff = await staff.request("POST", "/api/admin/invitations/import", csv, headers);
    expect(byStaff.status).to.equal(403);
    expect(byStaff.body.error).to.equal("forbidden");
    expect(await snapshot(), "nothing changed by the refused calls").to.equal(before);
  });

  it("PUT /api/admin/notification-texts/logo (image)", async () => {
    // This organisation has texts and a logo, so a refused reset or removal would show.
    const adminApi = await signIn(await buildUser({ organisation: org, role: "admin" }));
    const logo = new PNG({ width: 2, height: 2 });
    const png = PNG.sync.write(logo);
    const headers = { "Content-Type": "image/png" };
    expect((await adminApi.request("PUT", "/api/admin/notification-texts/logo", png, headers)).status).to.equal(200);
    expect((await adminApi.put("/api/admin/notification-texts/en", { footer: "Own footer" })).status).to.equal(200);
    const before = await snapshot();
    expect((await anonymous.request("PUT", "/api/admin/notification-texts/logo", png, headers)).status).to.equal(401);
    const byStaff = await staff.request("PUT", "/api/admin/notification-texts/logo", png, headers);
    expect(byStaff.status).to.equal(403);
    expect(byStaff.body.error).to.equal("forbidden");
    const byOther = await otherAdmin.request("PUT", "/api/admin/notification-texts/logo", png, headers);
    expect(byOther.status, "their own organisation's logo").to.equal(200);
    expect(await snapshot(), "nothing changed by the refused calls").to.equal(before);
  });

  it("covers every /api/admin route the console registers", () => {
    const registered = registeredRoutes()
      .filter((r) => r.path.startsWith("/api/admin/"))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .filter((r) => !elsewhere.has(r))
      .sort();
    const covered = calls.map((c) => `${c.method} ${c.route}`).sort();
    expect(registered.filter((r) => !covered.includes(r))).to.deep.equal([]);
  });

  for (const call of calls) {
    it(`${call.method} ${call.route}`, async () => {
      const before = await snapshot();
      const path = call.path(target.id);
      const body = typeof call.body === "function" ? (call.body as () => unknown)() : call.body;
      const anon = await anonymous.request(call.method, path, body);
      expect(anon.status, `anonymous: ${anon.text}`).to.equal(401);
      const byStaff = await staff.request(call.method, path, body);
      expect(byStaff.status, `staff: ${byStaff.text}`).to.equal(403);
      expect(byStaff.body.error).to.equal("forbidden");
      const byOther = await otherAdmin.request(call.method, path, body);
      if (call.otherOrganisation) {
        expect(byOther.status, byOther.text).to.equal(call.otherOrganisation.status);
        expect(byOther.body.error).to.equal(call.otherOrganisation.error);
      } else if (call.ownScope) {
        expect(byOther.status, byOther.text).to.equal(200);
        expect(byOther.text, "another organisation's data")
          .to.not.contain(target.email)
          .and.not.contain(target.id)
          .and.not.contain(org.name);
      } else {
        expect(byOther.status, `other organisation: ${byOther.text}`).to.equal(404);
        expect(byOther.body.error).to.equal("not_found");
      }
      expect(await snapshot(), "nothing changed by the refused calls").to.equal(before);
    });
  }
});
