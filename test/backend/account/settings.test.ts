import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import {
  appCode,
  enableTotp,
  resetClock,
  shiftClock,
  startDelivery,
  type Delivery,
} from "../../support/secondFactor.js";
import { User } from "../../../backend/src/models/User.js";
import { Phone } from "../../../backend/src/models/Phone.js";
import { Session } from "../../../backend/src/models/Session.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";

describe("account settings, export and deletion (F20, F21; HTTP API)", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    resetClock();
    await delivery.close();
  });

  it("shows name, mobile and plan, and changes the options", async () => {
    const user = await buildUser({ name: "Ada" });
    const api = await signIn(user);
    const got = await api.get<Record<string, unknown>>("/api/account");
    expect(got.status).to.equal(200);
    expect(got.body).to.include({
      email: user.email,
      name: "Ada",
      mobile: user.mobile,
      plan: "professional",
      locale: "sv",
      neutralNotifications: false,
      signature: null,
    });
    expect(got.body.autoReply).to.deep.equal({ enabled: false, text: null, from: null, to: null });
    expect(got.body).to.not.have.any.keys("passwordHash", "publicKey", "privateKeyEscrow");

    const patch = await api.patch<Record<string, unknown>>("/api/account", {
      name: "Ada L.",
      locale: "en",
      neutralNotifications: true,
      signature: "Ada L.\r\nKuvert AB\u0007",
      autoReply: {
        enabled: true,
        text: "Away until Monday.",
        from: "2026-12-20T08:00:00Z",
        to: "2026-12-28T08:00:00+01:00",
      },
    });
    expect(patch.status, patch.text).to.equal(200);
    expect(patch.body).to.include({
      name: "Ada L.",
      locale: "en",
      neutralNotifications: true,
      signature: "Ada L.\nKuvert AB",
    });
    expect(patch.body.autoReply).to.deep.equal({
      enabled: true,
      text: "Away until Monday.",
      from: "2026-12-20T08:00:00.000Z",
      to: "2026-12-28T07:00:00.000Z",
    });
    expect((await api.get<Record<string, unknown>>("/api/account")).body).to.include({
      name: "Ada L.",
      neutralNotifications: true,
    });
  });

  it("refuses read-only and unknown fields, over-long text and bad periods", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    for (const body of [
      { mobile: "+46700000001" },
      { plan: "organisation" },
      { email: "x@example.test" },
      { signature: "x".repeat(2001) },
      { locale: "de" },
    ]) {
      const res = await api.patch("/api/account", body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.equal("validation_error");
    }
    const noText = await api.patch("/api/account", { autoReply: { enabled: true } });
    expect(noText.status).to.equal(422);
    expect(noText.body.error).to.equal("auto_reply_text_required");
    const backwards = await api.patch("/api/account", {
      autoReply: { text: "Away", from: "2026-12-28T00:00:00Z", to: "2026-12-20T00:00:00Z" },
    });
    expect(backwards.status).to.equal(422);
    expect(backwards.body.error).to.equal("auto_reply_period_invalid");

    const mixed = await api.patch("/api/account", {
      name: "Not saved",
      signature: "Not saved",
      autoReply: { enabled: true },
    });
    expect(mixed.status).to.equal(422);
    const after = await api.get<{ name: string | null; signature: string | null }>("/api/account");
    expect(after.body, "a refused change saves none of its fields").to.include({ name: user.name, signature: null });
  });

  it("exports my data as a streamed zip archive, audited", async () => {
    const user = await buildUser({ name: "Export Person" });
    const api = await signIn(user);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    const code = await delivery.smsCode(user.mobile!);
    const res = await fetch(`${api.baseUrl}/api/account/export`, {
      method: "POST",
      headers: {
        Cookie: api.cookieHeader(),
        "Content-Type": "application/json",
        "X-CSRF-Token": api.cookies.get("kuvert_csrf") ?? "",
      },
      body: JSON.stringify({ method: "sms", code }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("application/zip");
    expect(res.headers.get("content-disposition")).to.match(
      /^attachment; filename="kuvert-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(res.headers.get("content-length"), "streamed, not built in memory").to.equal(null);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 4).toString("hex")).to.equal("504b0304");
    const text = zip.toString("latin1");
    for (const name of ["README.txt", "account/account.json", "account/phones.json", "account/audit-log-0001.json"])
      expect(text).to.contain(name);
    const anon = await ApiClient.create();
    expect((await anon.post("/api/account/export", { method: "sms", code })).status).to.equal(401);
    const audit = await api.get<{ events: Array<{ type: string }> }>("/api/account/audit?limit=200");
    expect(audit.body.events.map((e) => e.type)).to.include("account.exported");
  });

  it("deletion needs the password AND a second factor, then removes the account, its sessions and phones", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const secret = await enableTotp(api, user, delivery);
    await api.get("/api/account/phones");

    const wrongPassword = await api.delete("/api/account", {
      password: "Not-the-password-1",
      method: "totp",
      code: appCode(secret),
    });
    expect(wrongPassword.status).to.equal(403);
    expect(wrongPassword.body.error).to.equal("invalid_password");
    const noFactor = await api.delete("/api/account", { password: defaultPassword });
    expect(noFactor.status).to.equal(400);
    expect(noFactor.body.error).to.equal("validation_error");
    const wrongCode = await api.delete("/api/account", { password: defaultPassword, method: "sms", code: "000000" });
    expect(wrongCode.status).to.equal(400);
    expect(wrongCode.body.error).to.equal("invalid_code");
    expect(await User.findByPk(user.id)).to.not.equal(null);

    shiftClock(60_000);
    const ok = await api.delete("/api/account", { password: defaultPassword, method: "totp", code: appCode(secret) });
    expect(ok.status, ok.text).to.equal(204);
    expect(await User.findByPk(user.id)).to.equal(null);
    expect(await Phone.count({ where: { userId: user.id } })).to.equal(0);
    expect(await Session.count({ where: { userId: user.id } })).to.equal(0);
    expect((await api.get("/api/account")).status).to.equal(401);
    const login = await (
      await ApiClient.create()
    ).post("/api/auth/login", { email: user.email, password: defaultPassword });
    expect(login.status).to.equal(401);

    const deleted = await AuditEvent.findOne({ where: { type: "account.deleted" }, order: [["id", "DESC"]] });
    expect(deleted!.userId).to.equal(null);
    expect(deleted!.data).to.deep.include({ userId: user.id });
    const mail = await delivery.mailTo(user.email, /Säkerhetsändring/, "har raderats");
    expect(mail.text).to.contain("har raderats");
  });
});
