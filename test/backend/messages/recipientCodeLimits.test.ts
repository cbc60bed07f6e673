import { expect } from "chai";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";
import { advanceClock } from "../../support/clock.js";

const linkPattern = /http:\/\/kuvert\.test\/r\/([A-Za-z0-9_-]{43})/;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * A forwarded notification link lets whoever holds it guess the recipient's SMS code. The
 * per-link window (10 checks per 15 minutes) alone allowed about 960 guesses a day for the
 * life of the message; these tests attack the daily cap and the total after which the link
 * is retired (defaults: 10 wrong codes a day, 20 in all).
 */
describe("recipient link: daily cap and retirement of SMS-code guessing (S3)", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let senderApi: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    senderApi = await signIn(await buildUser());
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  async function newLink(): Promise<{ token: string; email: string; mobile: string }> {
    const email = uniqueEmail("guessed");
    const mobile = uniqueMobile();
    const sent = await senderApi.post("/api/messages", { to: [{ email, mobile }], subject: "s", body: "b" });
    expect(sent.status, sent.text).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    return { token: linkPattern.exec(mail.parsed.text ?? "")![1], email, mobile };
  }

  /** Asks for a fresh code and makes `wrong` wrong guesses at it; returns the real code (still live if wrong < 5). */
  async function guessRound(
    api: ApiClient,
    link: { token: string; email: string; mobile: string },
    wrong: number,
  ): Promise<string> {
    const start = await api.post(`/api/recipient/${link.token}/start`, { email: link.email });
    expect(start.status, start.text).to.equal(200);
    await drain(worker);
    const code = await sms.waitForCode(link.mobile);
    const guess = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < wrong; i++) {
      const r = await api.post(`/api/recipient/${link.token}/verify`, { code: guess });
      expect(r.status, r.text).to.equal(400);
      expect(r.body.error).to.equal("invalid_code");
    }
    return code;
  }

  it("refuses the guess after the day's 10th wrong code, even the right one, until the day is over", async () => {
    const link = await newLink();
    const attacker = await ApiClient.create();
    await guessRound(attacker, link, 5);
    advanceClock(16 * MINUTE); // past the 15-minute per-link window: only the daily cap can refuse now
    await guessRound(attacker, link, 4);
    const code = await guessRound(attacker, link, 1); // the 10th wrong code today; this code is still live

    const refused = await attacker.post(`/api/recipient/${link.token}/verify`, { code });
    expect(refused.status, refused.text).to.equal(429);
    expect(refused.body.error).to.equal("too_many_code_failures");
    expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(23 * 60 * 60);
    // No more codes are sent to the recipient's phone today either.
    const noCode = await attacker.post(`/api/recipient/${link.token}/start`, { email: link.email });
    expect(noCode.status, noCode.text).to.equal(429);
    expect(noCode.body.error).to.equal("too_many_code_failures");

    // The next day the recipient can go on.
    advanceClock(DAY);
    const fresh = await guessRound(attacker, link, 0);
    const ok = await attacker.post(`/api/recipient/${link.token}/verify`, { code: fresh });
    expect(ok.status, ok.text).to.equal(200);
  });

  it("retires the link after 20 wrong codes in all: the right code no longer works (410 link_retired)", async () => {
    const link = await newLink();
    // Start after the rate-limit windows the previous test left in the future.
    advanceClock(3 * DAY);
    const attacker = await ApiClient.create();
    for (let day = 0; day < 2; day++) {
      await guessRound(attacker, link, 5);
      advanceClock(16 * MINUTE);
      await guessRound(attacker, link, 5);
      advanceClock(DAY);
    }
    const start = await attacker.post(`/api/recipient/${link.token}/start`, { email: link.email });
    expect(start.status, start.text).to.equal(410);
    expect(start.body.error).to.equal("link_retired");
    const verify = await attacker.post(`/api/recipient/${link.token}/verify`, { code: "123456" });
    expect(verify.status, verify.text).to.equal(410);
    expect(verify.body.error).to.equal("link_retired");
  });

  it("a retired link refuses even the right code of a live SMS", async () => {
    const link = await newLink();
    advanceClock(10 * DAY);
    const attacker = await ApiClient.create();
    await guessRound(attacker, link, 5);
    advanceClock(16 * MINUTE);
    await guessRound(attacker, link, 5);
    advanceClock(DAY);
    await guessRound(attacker, link, 5);
    advanceClock(16 * MINUTE);
    await guessRound(attacker, link, 4);
    const code = await guessRound(attacker, link, 1); // the 20th wrong code; this code is still live
    const refused = await attacker.post(`/api/recipient/${link.token}/verify`, { code });
    expect(refused.status, refused.text).to.equal(410);
    expect(refused.body.error).to.equal("link_retired");
    const register = await attacker.post(`/api/recipient/${link.token}/register`, {
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(register.status).to.equal(410);
  });
});
