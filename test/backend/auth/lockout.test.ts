import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";
import { runCli } from "../../support/processes.js";
import { transaction } from "../../../backend/src/db.js";
import { commands } from "../../../backend/src/cli/commands.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";

const wrong = "Wrong-password-1";

describe("lockout", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
  });
  after(async () => {
    await smtp.close();
    await sms.close();
  });

  async function login(api: ApiClient, email: string, password: string) {
    return api.post("/api/auth/login", { email, password });
  }

  it("3 wrong passwords lock (hard, the default); the 4th try with the right password is still 423; the owner is e-mailed; user:unlock lifts it", async () => {
    const user = await buildUser({ name: "Greta" });
    const api = await ApiClient.create();
    expect((await login(api, user.email, wrong)).status).to.equal(401);
    expect((await login(api, user.email, wrong)).status).to.equal(401);
    const third = await login(api, user.email, wrong);
    expect(third.status).to.equal(423);
    expect(third.body.error).to.equal("account_locked");
    expect(third.headers.get("retry-after"), "a hard lock has no end").to.equal(null);

    const fourth = await login(api, user.email, defaultPassword);
    expect(fourth.status).to.equal(423);
    expect(fourth.body.error).to.equal("account_locked");
    expect(api.cookies.has("kuvert_session")).to.equal(false);

    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(user.email));
    expect(mail.parsed.subject).to.equal("Ditt Kuvert-konto har låsts");
    expect(mail.parsed.text).to.contain("3 misslyckade inloggningsförsök").and.contain("Glömt lösenord");
    expect(mail.parsed.text).to.not.contain(wrong);
    expect(smtp.mails.filter((m) => m.envelopeTo.includes(user.email))).to.have.length(1);

    const out = await transaction((t) => commands["user:unlock"].run(t, { email: user.email.toUpperCase() }));
    expect(out).to.deep.include({ wasLocked: true, locked: false });
    const ok = await login(api, user.email, defaultPassword);
    expect(ok.status).to.equal(200);

    const audit = await api.get<{ events: Array<{ type: string; data: Record<string, unknown> }> }>(
      "/api/account/audit",
    );
    const types = audit.body.events.map((e) => e.type);
    expect(types).to.include.members([
      "login.failed",
      "account.locked",
      "login.refused",
      "account.unlocked",
      "login.succeeded",
    ]);
    expect(JSON.stringify(audit.body)).to.not.contain(wrong).and.not.contain(defaultPassword);
  });

  it("the operator CLI `kuvert user:unlock --email E` (real process) unlocks and says whether it was locked", async () => {
    const user = await buildUser();
    const api = await ApiClient.create();
    for (let i = 0; i < 3; i++) await login(api, user.email, wrong);
    expect((await login(api, user.email, defaultPassword)).status).to.equal(423);
    const r = await runCli(["user:unlock", "--email", user.email]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.include({ email: user.email, wasLocked: true, locked: false });
    expect((await login(api, user.email, defaultPassword)).status).to.equal(200);
    const again = await runCli(["user:unlock", "--email", "nobody@example.test"]);
    expect(again.code).to.not.equal(0);
    expect(JSON.parse(again.stderr).error).to.equal("not_found");
  });

  it("a success in between resets the count: failures must be consecutive", async () => {
    const user = await buildUser();
    const api = await ApiClient.create();
    await login(api, user.email, wrong);
    await login(api, user.email, wrong);
    expect((await login(api, user.email, defaultPassword)).status).to.equal(200);
    await login(api, user.email, wrong);
    expect((await login(api, user.email, wrong)).status).to.equal(401);
    expect((await login(api, user.email, defaultPassword)).status).to.equal(200);
  });

  it("follows the org policy: threshold and temporary locks with growing delays, the owner e-mailed at every lock", async () => {
    const org = await buildOrganisation();
    await Organisation.update(
      { policy: { lockoutThreshold: 2, lockoutMode: "temporary", lockoutBaseDelaySeconds: 1 } },
      { where: { id: org.id } },
    );
    const user = await buildUser({ organisation: org });
    const api = await ApiClient.create();
    useFakeNow();

    expect((await login(api, user.email, wrong)).status).to.equal(401);
    const first = await login(api, user.email, wrong);
    expect(first.status).to.equal(423);
    expect(first.headers.get("retry-after")).to.equal("1");
    expect((await login(api, user.email, defaultPassword)).status, "right password during the lock").to.equal(423);

    advanceClock(999);
    expect((await login(api, user.email, defaultPassword)).status, "a moment before the end: still locked").to.equal(
      423,
    );
    advanceClock(1);
    expect((await login(api, user.email, wrong)).status, "after the delay: counting again").to.equal(401);
    const second = await login(api, user.email, wrong);
    expect(second.status).to.equal(423);
    expect(second.headers.get("retry-after"), "the delay doubles").to.equal("2");

    advanceClock(1999);
    expect((await login(api, user.email, defaultPassword)).status, "the longer lock still holds").to.equal(423);
    advanceClock(1);
    expect((await login(api, user.email, defaultPassword)).status).to.equal(200);

    await drain(worker);
    await smtp.waitFor(
      (m) =>
        m.envelopeTo.includes(user.email) && smtp.mails.filter((x) => x.envelopeTo.includes(user.email)).length >= 2,
    );
    const mails = smtp.mails.filter((m) => m.envelopeTo.includes(user.email));
    expect(mails).to.have.length(2);
    expect(mails[0].parsed.text).to.contain("Du kan logga in igen efter");
  });

  it("temporary mode: an unknown address at the organisation's domain answers with the same Retry-After as a real account", async () => {
    const org = await buildOrganisation();
    await Organisation.update(
      { policy: { lockoutThreshold: 2, lockoutMode: "temporary", lockoutBaseDelaySeconds: 60 } },
      { where: { id: org.id } },
    );
    const domain = `kommun-${uniqueEmail("d").split("@")[0].slice(2)}.example.test`;
    const real = await buildUser({ organisation: org, email: `anna@${domain}` });
    const unknown = `nobody@${domain}`;
    const api = await ApiClient.create();
    useFakeNow();

    const answers = async (email: string) => {
      const seen: Array<[number, string | null, string]> = [];
      const record = async (password: string) => {
        const r = await login(api, email, password);
        seen.push([r.status, r.headers.get("retry-after"), String(r.body.message)]);
      };
      await record(wrong);
      await record(wrong); // the threshold: locked for the base delay
      advanceClock(30_000);
      await record(wrong); // during the lock: the time left
      advanceClock(30_000);
      await record(wrong); // after it: counting again
      await record(wrong); // the second lock doubles
      return seen;
    };
    const forReal = await answers(real.email);
    const forUnknown = await answers(unknown);
    expect(forReal.map(([status, retry]) => [status, retry])).to.deep.equal([
      [401, null],
      [423, "60"],
      [423, "30"],
      [401, null],
      [423, "120"],
    ]);
    expect(forUnknown).to.deep.equal(forReal);
  });
});
