import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { drain, testWorker } from "../../support/outbox.js";
import { advanceClock } from "../../support/clock.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { Invitation } from "../../../backend/src/models/Invitation.js";
import { User } from "../../../backend/src/models/User.js";
import type { Organisation } from "../../../backend/src/models/Organisation.js";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";

interface AdminInvitation {
  id: string;
  createdAt: string;
  email: string;
  name: string | null;
  mobile: string;
  role: "admin" | "staff";
  status: "pending" | "accepted" | "declined" | "expired" | "revoked";
  existingAccount: boolean;
  invitedBy: { name: string | null; email: string } | null;
  expiresAt: string;
}

const linkPattern = /http:\/\/kuvert\.test\/invitation\/([A-Za-z0-9_-]{43})/;
const password = "Inbjuden-l0senord-77";

describe("admin console: invitations (F23, issue 10)", function () {
  this.timeout(90_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let org: Organisation;
  let admin: ApiClient;
  let adminUser: User;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    org = await buildOrganisation({ name: "Inbjudans Kommun" });
    adminUser = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    admin = await signIn(adminUser);
  });
  // A fresh session each test: the expiry test moves the clock past the session's lifetime.
  beforeEach(async () => {
    admin = await signIn(adminUser);
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  async function invite(body: Record<string, unknown>) {
    return admin.post<{ invitation: AdminInvitation; error?: string }>("/api/admin/invitations", body);
  }

  /** The token in the newest invitation e-mail to `email` (captured by the real SMTP server). */
  async function tokenFor(email: string, nth = 1): Promise<{ token: string; text: string; subject: string }> {
    await drain(worker);
    const invitationsTo = () =>
      smtp.mails.filter((m) => m.envelopeTo.includes(email) && linkPattern.test(m.parsed.text ?? ""));
    await smtp.waitFor(() => invitationsTo().length >= nth);
    const mail = invitationsTo()[nth - 1];
    const text = mail.parsed.text ?? "";
    const token = linkPattern.exec(text)?.[1];
    expect(token, text).to.be.a("string");
    expect(mail.parsed.html || "").to.contain(`/invitation/${token}`);
    return { token: token!, text, subject: mail.parsed.subject ?? "" };
  }

  async function listed(id: string): Promise<AdminInvitation> {
    const res = await admin.get<{ invitations: AdminInvitation[] }>("/api/admin/invitations?limit=200");
    expect(res.status, res.text).to.equal(200);
    return res.body.invitations.find((i) => i.id === id)!;
  }

  it("invite → e-mail → Yes please → SMS code → password and terms → signed in with a key pair in the mailbox", async () => {
    const email = uniqueEmail("invitee");
    const mobile = uniqueMobile();
    const res = await invite({ email: email.toUpperCase(), mobile, name: "Ines Inbjuden", role: "staff" });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.invitation).to.include({ email, status: "pending", role: "staff", existingAccount: false });
    expect(res.body.invitation.invitedBy).to.deep.equal({ name: "Ada Admin", email: adminUser.email });
    const days = (Date.parse(res.body.invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).to.be.within(6.9, 7.01);
    const invited = await User.findOne({ where: { email } });
    expect(invited!.status).to.equal("invited");
    expect(invited!.publicKey).to.equal(null);
    expect(
      (
        await admin.get<{ users: Array<{ email: string; status: string }> }>("/api/admin/users?status=invited")
      ).body.users.map((u) => u.email),
    ).to.include(email);

    const again = await invite({ email, mobile, role: "staff" });
    expect(again.status).to.equal(409);
    expect(again.body.error).to.equal("invitation_exists");

    // Swedish: the admin's language (the factory's default).
    const { token, text, subject } = await tokenFor(email);
    expect(subject).to.equal(`${org.name} bjuder in dig till Kuvert`);
    expect(text).to.contain("Ada Admin");
    expect(text).to.contain("Verifiera ditt konto");
    const stored = await Invitation.findByPk(res.body.invitation.id);
    expect(stored!.tokenHash).to.not.contain(token);

    const visitor = await ApiClient.create();
    const view = await visitor.get(`/api/invitation/${token}`);
    expect(view.status, view.text).to.equal(200);
    expect(org.name).to.match(/^Inbjudans Kommun [0-9a-f]{10}$/);
    expect(view.body).to.include({ organisation: org.name, email, role: "staff", existingAccount: false });
    expect(view.body.mobile).to.match(/^\+46•••••\d\d$/);
    expect(view.text).to.not.contain(mobile);
    expect((await visitor.get(`/api/invitation/${"x".repeat(43)}`)).body.error).to.equal("invalid_invitation");

    const early = await visitor.post(`/api/invitation/${token}/complete`, { password, acceptTerms: true });
    expect(early.status).to.equal(403);
    expect(early.body.error).to.equal("verification_required");

    const accept = await visitor.post(`/api/invitation/${token}/accept`, {});
    expect(accept.status, accept.text).to.equal(200);
    expect(accept.body.next).to.equal("sms_code");
    await drain(worker);
    const first = await sms.waitForCode(mobile);
    // Resend: a new code, the first one no longer works.
    expect((await visitor.post(`/api/invitation/${token}/accept`, {})).status).to.equal(200);
    await drain(worker);
    const code = await sms.waitForCode(mobile);
    if (first !== code) {
      const old = await visitor.post(`/api/invitation/${token}/verify`, { code: first });
      expect(old.status).to.equal(400);
      expect(old.body.error).to.equal("invalid_code");
    }
    const ok = await visitor.post(`/api/invitation/${token}/verify`, { code });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.equal({ next: "set_password" });

    const other = await ApiClient.create();
    expect((await other.post(`/api/invitation/${token}/complete`, { password, acceptTerms: true })).status).to.equal(
      403,
    );
    const noTerms = await visitor.post(`/api/invitation/${token}/complete`, { password, acceptTerms: false });
    expect(noTerms.body.error).to.equal("terms_not_accepted");
    const weak = await visitor.post(`/api/invitation/${token}/complete`, { password: "abc", acceptTerms: true });
    expect(weak.status).to.equal(422);
    expect(weak.body.error).to.equal("password_too_short");

    const done = await visitor.post(`/api/invitation/${token}/complete`, { password, acceptTerms: true });
    expect(done.status, done.text).to.equal(200);
    expect(done.body).to.deep.equal({ next: "done" });
    const me = await visitor.get<{ user: { email: string; role: string } }>("/api/auth/me");
    expect(me.status, me.text).to.equal(200);
    expect(JSON.stringify(me.body)).to.contain(email);
    const inbox = await visitor.get("/api/mailbox/inbox");
    expect(inbox.status, inbox.text).to.equal(200);
    const user = await User.findOne({ where: { email } });
    expect(user).to.include({ status: "active", role: "staff", organisationId: org.id, mobile });
    expect(user!.publicKey).to.be.a("string");
    expect(user!.privateKeyPassword).to.be.a("string");
    expect((await listed(res.body.invitation.id)).status).to.equal("accepted");
    expect(await AuditEvent.count({ where: { type: "invitation.accepted", userId: user!.id } })).to.equal(1);

    // Single use: the link is refused afterwards, and the person signs in normally.
    const reused = await ApiClient.create();
    for (const step of ["accept", "decline"]) {
      const r = await reused.post(`/api/invitation/${token}/${step}`, {});
      expect(r.status, step).to.equal(410);
      expect(r.body.error).to.equal("invitation_used");
    }
    const login = await reused.post("/api/auth/login", { email, password });
    expect(login.body.next).to.equal("done");
    // Sending works: the key pair is usable.
    const sent = await visitor.post("/api/messages", {
      to: [{ email: uniqueEmail("reader"), mobile: uniqueMobile() }],
      subject: "Första",
      body: { text: "Hej" },
    });
    expect(sent.status, sent.text).to.equal(201);
  });

  it("No thanks: declined, shown to the admin, the invited row stays unusable and the link is refused", async () => {
    const email = uniqueEmail("decliner");
    const res = await invite({ email, mobile: uniqueMobile(), role: "admin" });
    expect(res.status, res.text).to.equal(201);
    const { token } = await tokenFor(email);
    const visitor = await ApiClient.create();
    const declined = await visitor.post(`/api/invitation/${token}/decline`, {});
    expect(declined.status, declined.text).to.equal(200);
    expect((await listed(res.body.invitation.id)).status).to.equal("declined");
    expect((await User.findOne({ where: { email } }))!.status).to.equal("invited");
    expect((await visitor.get(`/api/invitation/${token}`)).body.error).to.equal("invitation_used");
    expect((await visitor.post(`/api/invitation/${token}/accept`, {})).status).to.equal(410);
    const resend = await admin.post(`/api/admin/invitations/${res.body.invitation.id}/resend`, {});
    expect(resend.status).to.equal(409);
    expect(resend.body.error).to.equal("invitation_closed");
    // A new invitation for the same address reuses the unusable row.
    const again = await invite({ email, mobile: uniqueMobile(), role: "staff" });
    expect(again.status, again.text).to.equal(201);
    expect(await User.count({ where: { email } })).to.equal(1);
  });

  it("Notify the sender: a wrong number e-mails the inviting admin, once a day", async () => {
    const email = uniqueEmail("wrongnum");
    const res = await invite({ email, mobile: uniqueMobile(), role: "staff" });
    const { token } = await tokenFor(email);
    const visitor = await ApiClient.create();
    expect((await visitor.post(`/api/invitation/${token}/accept`, {})).status).to.equal(200);
    const report = await visitor.post(`/api/invitation/${token}/wrong-number`, {});
    expect(report.status, report.text).to.equal(202);
    await drain(worker);
    const mail = await smtp.waitFor(
      (m) => m.envelopeTo.includes(adminUser.email) && (m.parsed.text ?? "").includes(email),
    );
    expect(mail.parsed.subject).to.equal("Fel mobilnummer i en inbjudan");
    expect(mail.parsed.text).to.contain("http://kuvert.test/admin/invitations");
    expect((await visitor.post(`/api/invitation/${token}/wrong-number`, {})).status).to.equal(429);
    expect(
      await AuditEvent.count({ where: { type: "invitation.wrong_number", organisationId: org.id } }),
    ).to.be.at.least(1);
    expect((await listed(res.body.invitation.id)).status).to.equal("pending");
  });

  it("expired links are refused; resend gives a fresh link and voids the old one; revoke refuses the link", async () => {
    const email = uniqueEmail("late");
    const res = await invite({ email, mobile: uniqueMobile(), role: "staff" });
    const id = res.body.invitation.id;
    const { token: firstToken } = await tokenFor(email);
    advanceClock(7 * 24 * 60 * 60 * 1000 + 1000);
    admin = await signIn(adminUser);
    const visitor = await ApiClient.create();
    const late = await visitor.post(`/api/invitation/${firstToken}/accept`, {});
    expect(late.status).to.equal(410);
    expect(late.body.error).to.equal("invitation_expired");
    expect((await listed(id)).status).to.equal("expired");

    const resent = await admin.post<{ invitation: AdminInvitation }>(`/api/admin/invitations/${id}/resend`, {});
    expect(resent.status, resent.text).to.equal(200);
    expect(resent.body.invitation.status).to.equal("pending");
    const { token } = await tokenFor(email, 2);
    expect(token).to.not.equal(firstToken);
    expect((await visitor.get(`/api/invitation/${firstToken}`)).body.error).to.equal("invalid_invitation");
    expect((await visitor.get(`/api/invitation/${token}`)).status).to.equal(200);

    const revoked = await admin.post<{ invitation: AdminInvitation }>(`/api/admin/invitations/${id}/revoke`, {});
    expect(revoked.status, revoked.text).to.equal(200);
    expect(revoked.body.invitation.status).to.equal("revoked");
    const refused = await visitor.post(`/api/invitation/${token}/accept`, {});
    expect(refused.status).to.equal(410);
    expect(refused.body.error).to.equal("invitation_revoked");
    expect((await admin.post(`/api/admin/invitations/${id}/revoke`, {})).body.error).to.equal("invitation_closed");
    expect(
      await AuditEvent.count({ where: { type: ["invitation.resent", "invitation.revoked"], actorId: adminUser.id } }),
    ).to.be.at.least(2);
  });

  it("a free recipient account moves into the organisation with its messages and keys (no new key pair)", async () => {
    const sender = await buildUser({ organisation: await buildOrganisation(), role: "staff" });
    const recipient = await buildUser({ organisation: null, role: "recipient", name: "Rut Recipient" });
    const senderApi = await signIn(sender);
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      to: [{ email: recipient.email, mobile: recipient.mobile }],
      subject: "Före inbjudan",
      body: { text: "Hej Rut" },
    });
    expect(sent.status, sent.text).to.equal(201);
    const keyBefore = (await User.findByPk(recipient.id))!.publicKey;

    const mobile = uniqueMobile();
    const res = await invite({ email: recipient.email, mobile, role: "staff" });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.invitation.existingAccount).to.equal(true);
    expect(await User.count({ where: { email: recipient.email } })).to.equal(1);
    expect((await User.findByPk(recipient.id))!.organisationId, "moves only on acceptance").to.equal(null);

    const { token } = await tokenFor(recipient.email);
    const visitor = await ApiClient.create();
    expect((await visitor.get(`/api/invitation/${token}`)).body.existingAccount).to.equal(true);
    expect((await visitor.post(`/api/invitation/${token}/accept`, {})).status).to.equal(200);
    await drain(worker);
    const code = await sms.waitForCode(mobile);
    const ok = await visitor.post(`/api/invitation/${token}/verify`, { code });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.equal({ next: "sign_in" });
    const moved = await User.findByPk(recipient.id);
    expect(moved).to.include({ organisationId: org.id, role: "staff", status: "active", plan: "professional" });
    expect(moved!.publicKey, "same key pair").to.equal(keyBefore);
    expect((await listed(res.body.invitation.id)).status).to.equal("accepted");

    const api = await signIn(recipient);
    const read = await api.get<{ subject: string; text: string }>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.text).to.equal("Hej Rut");
    expect((await api.get("/api/admin/invitations")).status, "staff, not admin").to.equal(403);
  });

  it("wrong codes count; the same code cannot be used twice", async () => {
    const email = uniqueEmail("guesser");
    const mobile = uniqueMobile();
    await invite({ email, mobile, role: "staff" });
    const { token } = await tokenFor(email);
    const visitor = await ApiClient.create();
    await visitor.post(`/api/invitation/${token}/accept`, {});
    await drain(worker);
    const code = await sms.waitForCode(mobile);
    const wrong = await visitor.post(`/api/invitation/${token}/verify`, {
      code: code === "000000" ? "000001" : "000000",
    });
    expect(wrong.body.error).to.equal("invalid_code");
    expect((await Invitation.findOne({ where: { email } }))!.codeFailures).to.equal(1);
    expect((await visitor.post(`/api/invitation/${token}/verify`, { code })).status).to.equal(200);
    expect((await visitor.post(`/api/invitation/${token}/verify`, { code })).status, "replayed code").to.equal(400);
  });

  describe("CSV import", () => {
    const upload = (csv: string, type = "text/csv") =>
      admin.request<{
        invitations?: AdminInvitation[];
        error?: string;
        problems?: Array<{ line: number; field: string; reason: string }>;
      }>("POST", "/api/admin/invitations/import", Buffer.from(csv, "utf8"), { "Content-Type": type });

    it("a file with bad rows creates nothing and reports each bad row with its line", async () => {
      const good = uniqueEmail("csv-good");
      const member = adminUser.email;
      const dup = uniqueEmail("csv-dup");
      const csv = [
        "name,email,mobile,role",
        `Gun Good,${good},${uniqueMobile()},staff`,
        `Bad Mail,not-an-address,${uniqueMobile()},staff`,
        `Bad Phone,${uniqueEmail("csv-phone")},12,staff`,
        `Bad Role,${uniqueEmail("csv-role")},${uniqueMobile()},boss`,
        `Member,${member},${uniqueMobile()},admin`,
        `Dup One,${dup},${uniqueMobile()},staff`,
        `Dup Two,${dup.toUpperCase()},${uniqueMobile()},staff`,
      ].join("\r\n");
      const users = await User.count();
      const invitations = await Invitation.count();
      const res = await upload(csv);
      expect(res.status, res.text).to.equal(422);
      expect(res.body.error).to.equal("invitation_import_invalid");
      expect(res.body.problems).to.deep.equal([
        { line: 3, field: "email", reason: "email_invalid" },
        { line: 4, field: "mobile", reason: "mobile_invalid" },
        { line: 5, field: "role", reason: "role_invalid" },
        { line: 6, field: "email", reason: "user_exists" },
        { line: 8, field: "email", reason: "duplicate_in_file" },
      ]);
      expect(await User.count(), "no user created").to.equal(users);
      expect(await Invitation.count(), "no invitation created").to.equal(invitations);
      expect(await User.count({ where: { email: good } })).to.equal(0);

      const noColumns = await upload("name,email\nA,a@example.test\n");
      expect(noColumns.status).to.equal(422);
      expect(noColumns.body.problems).to.deep.equal([{ line: 1, field: "file", reason: "columns_missing" }]);
      const broken = await upload('name,email,mobile,role\n"A,a@example.test,+46701234567,staff\n');
      expect(broken.body.problems![0]).to.include({ field: "file", reason: "csv_malformed" });
      expect((await upload("x", "application/json")).status).to.equal(415);
    });

    it("a good file (semicolons, BOM, any column order and case) invites everyone", async () => {
      const a = uniqueEmail("csv-a");
      const b = uniqueEmail("csv-b");
      const csv = `\uFEFFRole;Email;Name;Mobile\nstaff;${a};Anna A;${uniqueMobile()}\n\nADMIN;${b};Bertil B;${uniqueMobile()}\n`;
      const res = await upload(csv);
      expect(res.status, res.text).to.equal(201);
      expect(res.body.invitations!.map((i) => [i.email, i.role, i.name])).to.deep.equal([
        [a, "staff", "Anna A"],
        [b, "admin", "Bertil B"],
      ]);
      await tokenFor(a);
      await tokenFor(b);
      expect(await AuditEvent.count({ where: { type: "invitation.sent", organisationId: org.id } })).to.be.at.least(2);
    });
  });

  it("validates the invite form at the edge", async () => {
    for (const bad of [
      { email: "x", mobile: uniqueMobile(), role: "staff" },
      { email: uniqueEmail(), mobile: uniqueMobile(), role: "recipient" },
      { email: uniqueEmail(), mobile: uniqueMobile(), role: "staff", extra: 1 },
    ])
      expect((await invite(bad)).status, JSON.stringify(bad)).to.equal(400);
    const phone = await invite({ email: uniqueEmail(), mobile: "123", role: "staff" });
    expect(phone.status).to.equal(422);
    expect(phone.body.error).to.equal("invalid_phone");
    const otherOrgMember = await buildUser({ organisation: await buildOrganisation(), role: "staff" });
    const taken = await invite({ email: otherOrgMember.email, mobile: uniqueMobile(), role: "staff" });
    expect(taken.status).to.equal(409);
    expect(taken.body.error).to.equal("user_exists");
  });

  describe("the list, a page at a time", () => {
    interface ListPage {
      invitations: AdminInvitation[];
      next: string | null;
      total: number;
      error?: string;
    }
    let own: ApiClient;
    let ids: string[];

    before(async () => {
      const o = await buildOrganisation({ name: "Sidornas kommun" });
      own = await signIn(await buildUser({ organisation: o, role: "admin" }));
      // 57 at once from one file: they share their creation time to the millisecond, or nearly.
      const rows = Array.from(
        { length: 57 },
        (_, i) => `Person ${i},${uniqueEmail(`page${i}`)},${uniqueMobile()},staff`,
      );
      const res = await own.request<{ invitations: AdminInvitation[] }>(
        "POST",
        "/api/admin/invitations/import",
        `name,email,mobile,role\n${rows.join("\n")}\n`,
        { "Content-Type": "text/csv" },
      );
      expect(res.status, res.text).to.equal(201);
      ids = res.body.invitations.map((i) => i.id);
      for (const id of ids.slice(0, 2))
        expect((await own.post(`/api/admin/invitations/${id}/revoke`)).status).to.equal(200);
      await Invitation.update({ status: "declined", respondedAt: new Date() }, { where: { id: ids[2] } });
      await Invitation.update({ tokenExpiresAt: new Date(Date.now() - 1000) }, { where: { id: ids[3] } });
      // Another organisation's invitations never show.
      await invite({ email: uniqueEmail("elsewhere"), mobile: uniqueMobile(), role: "staff" });
    });

    async function walk(query: string): Promise<{ pages: ListPage[]; all: AdminInvitation[] }> {
      const pages: ListPage[] = [];
      let after: string | null = null;
      do {
        const path: string = `/api/admin/invitations?${query}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
        const res = await own.get<ListPage>(path);
        expect(res.status, res.text).to.equal(200);
        pages.push(res.body);
        after = res.body.next;
      } while (after && pages.length < 20);
      return { pages, all: pages.flatMap((p) => p.invitations) };
    }

    it("50 to a page by default, newest first, with the total; the next page picks up where the first ended", async () => {
      const { pages, all } = await walk("");
      expect(pages.map((p) => p.invitations.length)).to.deep.equal([50, 7]);
      expect(pages.map((p) => p.total)).to.deep.equal([57, 57]);
      expect(pages[1].next).to.equal(null);
      expect(all.map((i) => i.id)).to.have.members(ids);
      expect(new Set(all.map((i) => i.id)).size).to.equal(57);
      const order = all.map((i) => [i.createdAt, i.id].join(" "));
      expect(order).to.deep.equal([...order].sort().reverse());
    });

    it("a smaller page size walks the same list; the status filter pages and counts its own rows", async () => {
      const small = await walk("limit=20");
      expect(small.pages.map((p) => p.invitations.length)).to.deep.equal([20, 20, 17]);
      expect(small.all.map((i) => i.id)).to.deep.equal((await walk("")).all.map((i) => i.id));
      const counts: Record<string, number> = { pending: 53, revoked: 2, declined: 1, expired: 1, accepted: 0 };
      for (const [status, count] of Object.entries(counts)) {
        const { pages, all } = await walk(`status=${status}&limit=25`);
        expect(all.length, status).to.equal(count);
        expect(pages[0].total, status).to.equal(count);
        expect(
          all.every((i) => i.status === status),
          status,
        ).to.equal(true);
      }
    });

    it("refuses a cursor that is not one, and a page size out of range, with 400", async () => {
      const first = await own.get<ListPage>("/api/admin/invitations?limit=1");
      const cursor = first.body.next!;
      for (const bad of [
        "after=nonsense",
        `after=${encodeURIComponent(cursor.replace(/^\d{4}-\d{2}/, "2026-13"))}`,
        `after=${encodeURIComponent(cursor.replace(/_.*/, "_' OR 1=1 --"))}`,
        `after=${encodeURIComponent(`${cursor}x`)}`,
        "limit=0",
        "limit=201",
        "status=open",
      ]) {
        const res = await own.get<ListPage>(`/api/admin/invitations?${bad}`);
        expect(res.status, bad).to.equal(400);
        expect(res.body.error, bad).to.equal("validation_error");
      }
      // A well-formed cursor from another organisation's list only says where to start: the page
      // holds this organisation's invitations.
      const theirs = await admin.get<ListPage>("/api/admin/invitations?limit=1");
      const res = await own.get<ListPage>(
        `/api/admin/invitations?after=${encodeURIComponent(theirs.body.next ?? cursor)}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body.invitations.every((i) => ids.includes(i.id))).to.equal(true);
    });
  });
});
