import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { User } from "../../../backend/src/models/User.js";
import { Message } from "../../../backend/src/models/Message.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";

interface Policies {
  zeroAccess: boolean;
  requireSecondFactor: boolean;
  lockout: { threshold: number; mode: "hard" | "temporary"; baseDelaySeconds: number };
  messages: {
    defaults: Record<string, boolean>;
    forced: string[];
    defaultExpiryDays: number | null;
    longestExpiryDays: number | null;
  };
  subjectInNotifications: boolean;
  sessions: { idleMinutes: number | null; absoluteHours: number | null };
  attachmentMaxMb: number | null;
}

describe("admin console: policies (issue 10)", function () {
  this.timeout(60_000);
  let org: Organisation;
  let admin: ApiClient;
  let adminId: string;

  before(async () => {
    org = await buildOrganisation();
    const a = await buildUser({ organisation: org, role: "admin" });
    adminId = a.id;
    admin = await signIn(a);
  });

  it("shows the policies as they apply, defaults filled in", async () => {
    const res = await admin.get<Policies>("/api/admin/policies");
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({
      zeroAccess: false,
      requireSecondFactor: false,
      lockout: { threshold: 3, mode: "hard", baseDelaySeconds: 300 },
      messages: {
        defaults: {
          idCheck: false,
          burnAfterReading: false,
          eyesOnly: false,
          readReceipt: false,
          notify: true,
          hideRecipients: false,
        },
        forced: [],
        defaultExpiryDays: null,
        longestExpiryDays: null,
      },
      subjectInNotifications: false,
      sessions: { idleMinutes: null, absoluteHours: null },
      attachmentMaxMb: null,
      smartAlerts: { keywords: [], sendMode: "softBlock", allowSendAnyway: false },
      subjectRule: { mode: "warn", keywords: [] },
    });
  });

  it("refuses values outside the safe bounds, unknown members and zero-access without confirmation; nothing changes", async () => {
    const before = JSON.stringify((await Organisation.findByPk(org.id))!.policy);
    const bad = [
      { lockout: { threshold: 2 } },
      { lockout: { threshold: 11 } },
      { lockout: { baseDelaySeconds: 10 } },
      { lockout: { mode: "never" } },
      { messages: { defaultExpiryDays: 0 } },
      { messages: { defaultExpiryDays: 4000 } },
      { messages: { longestExpiryDays: 0 } },
      { messages: { defaultExpiryDays: 60, longestExpiryDays: 30 } },
      { messages: { forced: ["selfDestruct"] } },
      { messages: { defaults: { idCheck: true } } },
      { sessionTimeout: 5 },
      { sessions: { idleMinutes: 4 } },
      { sessions: { idleMinutes: 481 } },
      { sessions: { absoluteHours: 0 } },
      { sessions: { absoluteHours: 25 } },
      { sessions: { idleMinutes: 30.5 } },
      { sessions: { forever: true } },
      { attachmentMaxMb: 0 },
      { attachmentMaxMb: 501 },
      { attachmentMaxMb: "10" },
      { zeroAccess: true },
      { zeroAccess: true, confirmZeroAccess: false },
      { smartAlerts: { sendMode: "warn" } },
      { smartAlerts: { keywords: ["x".repeat(101)] } },
      { smartAlerts: { keywords: Array.from({ length: 201 }, (_, i) => `ord${i}`) } },
      { smartAlerts: { allowSendAnyway: "yes" } },
      { subjectRule: { mode: "block" } },
      { subjectRule: { keywords: ["x".repeat(101)] } },
      { subjectRule: { keywords: Array.from({ length: 201 }, (_, i) => `ord${i}`) } },
      { subjectRule: { keywords: [""] } },
      { subjectRule: { keywords: "Falken" } },
      { subjectRule: { mode: "warn", extra: true } },
    ];
    for (const body of bad) {
      const res = await admin.patch("/api/admin/policies", body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.equal("validation_error");
    }
    expect(JSON.stringify((await Organisation.findByPk(org.id))!.policy)).to.equal(before);
  });

  it("changes take effect: forced functions reach the composer, the lockout threshold applies; each change audited", async () => {
    const staff = await buildUser({ organisation: org, role: "staff" });
    const res = await admin.patch<{ policies: Policies }>("/api/admin/policies", {
      lockout: { threshold: 5 },
      messages: { forced: ["idCheck"], defaultExpiryDays: 30 },
      subjectInNotifications: true,
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.policies.lockout).to.deep.equal({ threshold: 5, mode: "hard", baseDelaySeconds: 300 });
    expect(res.body.policies.messages.forced).to.deep.equal(["idCheck"]);

    const composer = await signIn(staff);
    const defaults = await composer.get<{ forced: string[]; defaultExpiryDays: number }>(
      "/api/messages/compose-defaults",
    );
    expect(defaults.body.forced).to.deep.equal(["idCheck"]);
    expect(defaults.body.defaultExpiryDays).to.equal(30);

    const api = await ApiClient.create();
    for (let i = 0; i < 4; i++)
      expect((await api.post("/api/auth/login", { email: staff.email, password: "Wrong-password-1" })).status).to.equal(
        401,
      );
    expect((await api.post("/api/auth/login", { email: staff.email, password: "Wrong-password-1" })).status).to.equal(
      423,
    );

    const events = await AuditEvent.findAll({ where: { organisationId: org.id, type: "organisation.policy_changed" } });
    expect(events).to.have.length(1);
    expect(events[0].actorId).to.equal(adminId);
    expect(events[0].data.changes).to.deep.include({
      "lockout.threshold": { from: 3, to: 5 },
      "messages.forced": { from: [], to: ["idCheck"] },
      "messages.defaultExpiryDays": { from: null, to: 30 },
      subjectInNotifications: { from: false, to: true },
    });
    // The same values again change nothing and record nothing.
    await admin.patch("/api/admin/policies", { lockout: { threshold: 5 } });
    expect(await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.policy_changed" } })).to.equal(
      1,
    );
  });

  it("a longest expiry shortens a later or missing expiry of a sent message", async () => {
    const o = await buildOrganisation();
    const a = await signIn(await buildUser({ organisation: o, role: "admin" }));
    const sender = await signIn(await buildUser({ organisation: o, role: "staff" }));
    const set = await a.patch("/api/admin/policies", { messages: { longestExpiryDays: 10 } });
    expect(set.status, set.text).to.equal(200);
    const day = 24 * 3600_000;
    const send = async (expiresAt?: string) => {
      const res = await sender.post<{ id: string }>("/api/messages", {
        to: [{ email: `r-${Math.random().toString(16).slice(2)}@example.test`, mobile: "+46701234596" }],
        subject: "Utgång",
        body: { text: "Hej" },
        ...(expiresAt ? { options: { expiresAt } } : {}),
      });
      expect(res.status, res.text).to.equal(201);
      return (await Message.findByPk(res.body.id))!.expiresAt!.getTime();
    };
    for (const asked of [undefined, new Date(Date.now() + 40 * day).toISOString()]) {
      const at = await send(asked);
      expect(Math.abs(at - (Date.now() + 10 * day)), String(asked)).to.be.below(60_000);
    }
    const sooner = new Date(Date.now() + 3 * day);
    expect(Math.abs((await send(sooner.toISOString())) - sooner.getTime())).to.be.below(1000);
  });

  it("zero-access with confirmation: the staff's escrow copies are deleted at once, audited with the admin as actor", async () => {
    const o = await buildOrganisation();
    const a = await buildUser({ organisation: o, role: "admin" });
    const s = await buildUser({ organisation: o, role: "staff" });
    expect((await User.findByPk(s.id))!.privateKeyEscrow).to.not.equal(null);
    const api = await signIn(a);
    const res = await api.patch<{ policies: Policies; escrowCopiesDropped: number }>("/api/admin/policies", {
      zeroAccess: true,
      confirmZeroAccess: true,
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.policies.zeroAccess).to.equal(true);
    expect(res.body.escrowCopiesDropped).to.equal(2);
    expect((await User.findByPk(s.id))!.privateKeyEscrow).to.equal(null);
    const event = await AuditEvent.findOne({
      where: { organisationId: o.id, type: "organisation.zero_access_enabled" },
    });
    expect(event?.actorId).to.equal(a.id);
    // Signing in still works (the password copy stays).
    await signIn(s, defaultPassword);
  });

  it("session timeouts: new sessions of the organisation end after its idle and absolute times; other organisations keep the defaults", async () => {
    const o = await buildOrganisation();
    const a = await buildUser({ organisation: o, role: "admin" });
    const staff = await buildUser({ organisation: o, role: "staff" });
    const outsider = await buildUser({ organisation: await buildOrganisation(), role: "staff" });
    const res = await (
      await signIn(a)
    ).patch<{ policies: Policies }>("/api/admin/policies", {
      sessions: { idleMinutes: 10, absoluteHours: 2 },
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.policies.sessions).to.deep.equal({ idleMinutes: 10, absoluteHours: 2 });

    useFakeNow(new Date("2027-01-04T08:00:00Z"));
    const mine = await signIn(staff);
    const theirs = await signIn(outsider);
    advanceClock(9 * 60 * 1000);
    expect((await mine.get("/api/auth/me")).status).to.equal(200);
    // 11 idle minutes: past the organisation's 10, well within the default 30.
    advanceClock(11 * 60 * 1000);
    expect((await mine.get("/api/auth/me")).status).to.equal(401);
    expect((await theirs.get("/api/auth/me")).status).to.equal(200);

    // Absolute: active every 5 minutes, still signed out 2 hours after sign-in.
    const busy = await signIn(staff);
    for (let m = 5; m < 120; m += 5) {
      advanceClock(5 * 60 * 1000);
      expect((await busy.get("/api/auth/me")).status, `${m} min`).to.equal(200);
    }
    advanceClock(5 * 60 * 1000);
    expect((await busy.get("/api/auth/me")).status).to.equal(401);

    // Back to the defaults (null): a new session outlives 11 idle minutes again.
    await (await signIn(a)).patch("/api/admin/policies", { sessions: { idleMinutes: null, absoluteHours: null } });
    const again = await signIn(staff);
    advanceClock(11 * 60 * 1000);
    expect((await again.get("/api/auth/me")).status).to.equal(200);
    const changes = (
      await AuditEvent.findAll({
        where: { organisationId: o.id, type: "organisation.policy_changed" },
        order: [["id", "ASC"]],
      })
    ).map((e) => e.data.changes);
    expect(changes[0]).to.deep.equal({
      "sessions.idleMinutes": { from: null, to: 10 },
      "sessions.absoluteHours": { from: null, to: 2 },
    });
  });

  it("attachment size: the organisation's limit refuses a larger file with 413 and keeps nothing; the usage page shows it", async () => {
    const o = await buildOrganisation();
    const a = await signIn(await buildUser({ organisation: o, role: "admin" }));
    const sender = await signIn(await buildUser({ organisation: o, role: "staff" }));
    expect((await a.patch("/api/admin/policies", { attachmentMaxMb: 1 })).status).to.equal(200);
    expect((await a.get<{ attachmentLimitBytes: number }>("/api/admin/usage")).body.attachmentLimitBytes).to.equal(
      1024 * 1024,
    );
    const draft = await sender.post<{ id: string }>("/api/messages/drafts", {});
    const upload = (bytes: number) =>
      sender.request("POST", `/api/messages/${draft.body.id}/attachments`, new Uint8Array(bytes), {
        "Content-Type": "application/octet-stream",
        "X-File-Name": "scan.pdf",
      });
    const big = await upload(1024 * 1024 + 1);
    expect(big.status).to.equal(413);
    expect(big.body).to.deep.include({ error: "attachment_too_large" });
    expect(big.body.limitBytes).to.equal(1024 * 1024);
    expect(await Attachment.count({ where: { messageId: draft.body.id } })).to.equal(0);
    const resumable = await sender.post(`/api/messages/${draft.body.id}/attachments/uploads`, {
      name: "big.pdf",
      type: "application/pdf",
      size: 2 * 1024 * 1024,
    });
    expect(resumable.status).to.equal(413);
    expect((await upload(1024 * 1024)).status).to.equal(201);
  });

  describe("subject rule (F24)", () => {
    const pin = "Utredning 19811218-9876";
    const recipient = () => ({
      email: `r-${Math.random().toString(16).slice(2)}@example.test`,
      mobile: "+46701234596",
    });

    it("is set within its bounds and audited with the keyword count, not the words", async () => {
      const o = await buildOrganisation();
      const a = await buildUser({ organisation: o, role: "admin" });
      const client = await signIn(a);
      const words = Array.from({ length: 200 }, (_, i) => `Hemligt${i}${"x".repeat(80)}`);
      const res = await client.patch<{ policies: { subjectRule: { mode: string; keywords: string[] } } }>(
        "/api/admin/policies",
        { subjectRule: { mode: "forbid", keywords: words } },
      );
      expect(res.status, res.text).to.equal(200);
      expect(res.body.policies.subjectRule).to.deep.equal({ mode: "forbid", keywords: words });
      const event = await AuditEvent.findOne({ where: { organisationId: o.id, type: "organisation.policy_changed" } });
      expect(event!.actorId).to.equal(a.id);
      expect(event!.data.changes).to.deep.equal({
        "subjectRule.mode": { from: "warn", to: "forbid" },
        "subjectRule.keywords": { from: 0, to: 200 },
      });
      expect(JSON.stringify(event!.data)).not.to.include("Hemligt");
      // Only the mode changes: the keywords stay.
      const off = await client.patch<{ policies: { subjectRule: { mode: string; keywords: string[] } } }>(
        "/api/admin/policies",
        { subjectRule: { mode: "off" } },
      );
      expect(off.body.policies.subjectRule).to.deep.equal({ mode: "off", keywords: words });
    });

    it("reaches the web composer and the add-in; forbid refuses a plaintext send with 422 and stores nothing, warn lets it through", async () => {
      const o = await buildOrganisation();
      const a = await signIn(await buildUser({ organisation: o, role: "admin" }));
      const staffUser = await buildUser({ organisation: o, role: "staff" });
      const staff = await signIn(staffUser);
      const other = await signIn(await buildUser({ organisation: await buildOrganisation(), role: "staff" }));
      const rule = { mode: "forbid", keywords: ["Projekt Falken"] };
      expect((await a.patch("/api/admin/policies", { subjectRule: rule })).status).to.equal(200);

      const defaults = await staff.get<{ subjectRule: unknown }>("/api/messages/compose-defaults");
      expect(defaults.status, defaults.text).to.equal(200);
      expect(defaults.body.subjectRule).to.deep.equal(rule);
      const settings = await staff.get<{ subjectRule: unknown }>("/api/addin/settings");
      expect(settings.status, settings.text).to.equal(200);
      expect(settings.body.subjectRule).to.deep.equal(rule);
      // Another organisation keeps the default.
      expect(
        (await other.get<{ subjectRule: unknown }>("/api/messages/compose-defaults")).body.subjectRule,
      ).to.deep.equal({ mode: "warn", keywords: [] });

      const count = () => Message.count({ where: { senderId: staffUser.id } });
      for (const subject of [pin, "Möte om projekt falken"]) {
        const refused = await staff.post<{ error: string }>("/api/messages", {
          to: [recipient()],
          subject,
          body: { text: "Hej" },
        });
        expect(refused.status, refused.text).to.equal(422);
        expect(refused.body.error).to.equal("subject_not_allowed");
        expect(refused.text).not.to.include("9876");
      }
      expect(await count()).to.equal(0);
      // A harmless subject goes through under forbid; another organisation is not affected.
      const ok = await staff.post("/api/messages", { to: [recipient()], subject: "Möte", body: { text: "Hej" } });
      expect(ok.status, ok.text).to.equal(201);
      expect(await count()).to.equal(1);
      const elsewhere = await other.post("/api/messages", { to: [recipient()], subject: pin, body: { text: "Hej" } });
      expect(elsewhere.status, elsewhere.text).to.equal(201);

      // Under warn (and off) the same subject is sent.
      for (const mode of ["warn", "off"]) {
        expect((await a.patch("/api/admin/policies", { subjectRule: { mode } })).status).to.equal(200);
        const sent = await staff.post("/api/messages", { to: [recipient()], subject: pin, body: { text: "Hej" } });
        expect(sent.status, `${mode}: ${sent.text}`).to.equal(201);
      }
      expect(await count()).to.equal(3);
    });
  });
});
