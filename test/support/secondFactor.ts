import { expect } from "chai";
import speakeasy from "speakeasy";
import { ApiClient } from "./server.js";
import { defaultPassword } from "./factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "./smtp.js";
import { startSmsCatcher, type SmsCatcher } from "./sms.js";
import { testWorker, drain } from "./outbox.js";
import { clock } from "../../backend/src/services/clock.js";
import { restoreClock, setClockOffset } from "./clock.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";
import type { User } from "../../backend/src/models/User.js";

/** Real SMTP and SMS catchers with an outbox worker; `smsCode(to)` delivers and returns the next code. */
export interface Delivery {
  smtp: SmtpCatcher;
  sms: SmsCatcher;
  worker: OutboxWorker;
  smsCode(to: string): Promise<string>;
  /** The first mail to `to` with that subject (and containing `text`, when given). */
  mailTo(to: string, subject: RegExp | string, text?: string): Promise<{ subject: string; text: string }>;
  close(): Promise<void>;
}

export async function startDelivery(): Promise<Delivery> {
  const smtp = await startSmtpCatcher();
  const sms = await startSmsCatcher();
  const worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
  return {
    smtp,
    sms,
    worker,
    async smsCode(to) {
      await drain(worker);
      return sms.waitForCode(to, 5000);
    },
    async mailTo(to, subject, text) {
      await drain(worker);
      const m = await smtp.waitFor(
        (x) =>
          x.envelopeTo.includes(to) &&
          (typeof subject === "string" ? x.parsed.subject === subject : subject.test(x.parsed.subject ?? "")) &&
          (text === undefined || (x.parsed.text ?? "").includes(text)),
        5000,
      );
      return { subject: m.parsed.subject ?? "", text: m.parsed.text ?? "" };
    },
    async close() {
      await smtp.close();
      await sms.close();
    },
  };
}

/** Sets the backend clock `ms` ahead of the real time (TOTP steps, code expiry); `resetClock()` undoes it. */
export function shiftClock(ms: number): void {
  setClockOffset(ms);
}
export function resetClock(): void {
  restoreClock();
}

/** The authenticator app: the code for the secret at the code services' current time + `offsetSeconds`. */
export function appCode(secret: string, offsetSeconds = 0): string {
  return speakeasy.totp({ secret, encoding: "base32", time: clock.now().getTime() / 1000 + offsetSeconds });
}

/** Turns TOTP on through the HTTP API (SMS code, start, confirm); returns the base32 secret. */
export async function enableTotp(api: ApiClient, user: Pick<User, "mobile">, delivery: Delivery): Promise<string> {
  expect((await api.post("/api/account/2fa/sms-code", { purpose: "totp_enable" })).status).to.equal(202);
  const smsCode = await delivery.smsCode(user.mobile!);
  const start = await api.post<{ secret: string }>("/api/account/2fa/totp/start", { smsCode });
  expect(start.status, start.text).to.equal(200);
  const confirm = await api.post("/api/account/2fa/totp/confirm", { code: appCode(start.body.secret) });
  expect(confirm.status, confirm.text).to.equal(200);
  return start.body.secret;
}

/** Password step only: a client holding a partial session (2FA on). */
export async function signInPartial(user: Pick<User, "email">, password = defaultPassword): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password });
  expect(res.status, res.text).to.equal(200);
  expect(res.body.next).to.equal("second_factor");
  return api;
}

/** Generates one-time codes through the API (SMS confirmation first). */
export async function generateBackupCodes(
  api: ApiClient,
  user: Pick<User, "mobile">,
  delivery: Delivery,
): Promise<string[]> {
  expect((await api.post("/api/account/2fa/sms-code", { purpose: "backup_codes" })).status).to.equal(202);
  const smsCode = await delivery.smsCode(user.mobile!);
  const res = await api.post<{ codes: string[] }>("/api/account/backup-codes", { smsCode });
  expect(res.status, res.text).to.equal(201);
  return res.body.codes;
}

/** The types of the user's own audit events (newest first). */
export async function auditTypes(api: ApiClient): Promise<string[]> {
  const res = await api.get<{ events: Array<{ type: string }> }>("/api/account/audit?limit=200");
  expect(res.status, res.text).to.equal(200);
  return res.body.events.map((e) => e.type);
}
