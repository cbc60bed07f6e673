import { expect } from "chai";
import { ApiToken } from "../../../backend/src/models/ApiToken.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";
import { startDelivery, type Delivery } from "../../support/secondFactor.js";
import { drain } from "../../support/outbox.js";

const DAY = 24 * 60 * 60 * 1000;

/** Mints a token through POST /api/account/tokens with the password, as the web app does. */
async function mint(browser: ApiClient, label = "Outlook add-in"): Promise<{ id: string; api: ApiClient }> {
  const created = await browser.post<{ id: string; token: string }>("/api/account/tokens", {
    label,
    password: defaultPassword,
  });
  expect(created.status, created.text).to.equal(201);
  const api = await ApiClient.create();
  api.bearer = created.body.token;
  return { id: created.body.id, api };
}

/** The attacker's view: the stolen token no longer opens the account. */
async function expectDead(api: ApiClient, why: string): Promise<void> {
  const me = await api.get("/api/auth/me");
  expect(me.status, why).to.equal(401);
  expect(me.body.error, why).to.equal("invalid_token");
  // Not only reads: the token can no longer send, search or empty the trash either.
  expect((await api.post("/api/messages/drafts", {})).status, `${why}: drafts`).to.equal(401);
  expect((await api.post("/api/mailbox/trash/empty")).status, `${why}: empty trash`).to.equal(401);
  expect((await api.get("/api/mailbox/inbox?q=hemlig")).status, `${why}: search`).to.equal(401);
}

describe("API token lifecycle: what ends a token, minting needs the password, tokens expire (issue 13)", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    await delivery.close();
  });

  describe("revocation", () => {
    it("sign out everywhere ends every API token of the user, not just the sessions", async () => {
      const user = await buildUser();
      const browser = await signIn(user);
      const stolen = await mint(browser);
      const second = await mint(browser, "second");
      expect((await stolen.api.get("/api/auth/me")).status).to.equal(200);

      const out = await (
        await signIn(user)
      ).post<{ revoked: number; tokensRevoked: number }>("/api/account/sessions/revoke-all");
      expect(out.status, out.text).to.equal(200);
      expect(out.body.tokensRevoked).to.equal(2);
      await expectDead(stolen.api, "after sign-out-everywhere");
      await expectDead(second.api, "the other token too");
      const row = await ApiToken.findByPk(stolen.id);
      expect(row?.revokedAt, "the row ends").to.be.instanceOf(Date);
      expect(row?.privateKeySealed).to.equal(null);
    });

    it("sign out everywhere called with a bearer token ends that token as well", async () => {
      const user = await buildUser();
      const { api } = await mint(await signIn(user));
      expect((await api.post("/api/account/sessions/revoke-all")).status).to.equal(200);
      await expectDead(api, "the calling token");
    });

    it("a password change ends every API token (the token cannot send or empty the trash any more)", async () => {
      const user = await buildUser();
      const browser = await signIn(user);
      const stolen = await mint(browser);
      const changed = await browser.post("/api/account/password", {
        currentPassword: defaultPassword,
        newPassword: "Another9horse-staple",
      });
      expect(changed.status, changed.text).to.equal(200);
      await expectDead(stolen.api, "after a password change");
      expect((await ApiToken.findByPk(stolen.id))?.revokedAt).to.be.instanceOf(Date);
      const audit = await browser.get<{ events: Array<{ type: string; data?: unknown }> }>("/api/account/audit");
      expect(audit.body.events.map((e) => e.type)).to.include("token.revoked_all");
    });

    it("a password reset ends every API token", async () => {
      const user = await buildUser();
      const stolen = await mint(await signIn(user));
      const anon = await ApiClient.create();
      expect((await anon.post("/api/auth/password-reset", { email: user.email })).status).to.equal(202);
      const code = await delivery.smsCode(user.mobile!);
      const ok = await anon.post("/api/auth/password-reset/confirm", {
        email: user.email,
        code,
        password: "Fresh-start-2026",
      });
      expect(ok.status, ok.text).to.equal(200);
      await expectDead(stolen.api, "after a password reset");
    });

    it("another user's sign-out-everywhere leaves my tokens alone", async () => {
      const alice = await buildUser();
      const bob = await buildUser();
      const mine = await mint(await signIn(alice));
      expect((await (await signIn(bob)).post("/api/account/sessions/revoke-all")).status).to.equal(200);
      expect((await mine.api.get("/api/auth/me")).status).to.equal(200);
    });
  });

  describe("minting", () => {
    async function tokensOf(user: User): Promise<number> {
      return ApiToken.count({ where: { userId: user.id } });
    }

    it("without the password or with a wrong one: 403 invalid_password, no token, no mail", async () => {
      const user = await buildUser();
      const browser = await signIn(user);
      const none = await browser.post("/api/account/tokens", { label: "stolen cookie" });
      expect([none.status, none.body.error]).to.deep.equal([403, "invalid_password"]);
      expect(none.body.token).to.equal(undefined);
      const wrong = await browser.post("/api/account/tokens", { label: "stolen cookie", password: "Wrong-password-1" });
      expect([wrong.status, wrong.body.error]).to.deep.equal([403, "invalid_password"]);
      expect(wrong.body.token).to.equal(undefined);
      expect(await tokensOf(user)).to.equal(0);
      await drain(delivery.worker);
      expect(delivery.smtp.mails.filter((m) => m.envelopeTo.includes(user.email))).to.have.length(0);
      const audit = await browser.get<{ events: Array<{ type: string }> }>("/api/account/audit");
      expect(audit.body.events.map((e) => e.type)).to.include("token.create_failed");
    });

    it("with the password: the token is made and the owner is e-mailed (Swedish by default, English by setting)", async () => {
      const user = await buildUser({ name: "Vera" });
      await mint(await signIn(user), "Outlook på jobbet");
      const mail = await delivery.mailTo(user.email, "Säkerhetsändring på ditt Kuvert-konto", "API-nyckel");
      expect(mail.text).to.contain("Vera");
      expect(mail.text).to.not.contain("kvt_");

      const english = await buildUser();
      await english.update({ locale: "en" });
      await mint(await signIn(english));
      const en = await delivery.mailTo(english.email, "Security change on your Kuvert account", "API token");
      expect(en.text).to.not.contain("kvt_");
    });

    it("guessing the password through the mint route is rate-limited", async () => {
      const user = await buildUser();
      const browser = await signIn(user);
      let last = 0;
      for (let i = 0; i < 11; i++) {
        last = (await browser.post("/api/account/tokens", { label: "guess", password: `Guess-${i}-x` })).status;
      }
      expect(last).to.equal(429);
      expect(await tokensOf(user)).to.equal(0);
    });
  });

  describe("lifetime", () => {
    it("an unused token expires after API_TOKEN_TTL_DAYS (30) and answers 401 invalid_token", async () => {
      useFakeNow();
      const user = await buildUser();
      const { api } = await mint(await signIn(user));
      advanceClock(29 * DAY);
      // Not used for 29 days: still valid on day 29 ...
      const list = await (await signIn(user)).get<{ tokens: Array<{ expiresAt: string }> }>("/api/account/tokens");
      expect(list.body.tokens).to.have.length(1);
      advanceClock(DAY + 1000);
      await expectDead(api, "unused for 30 days");
    });

    it("each use pushes the expiry forward (silent renewal), up to an absolute maximum of 365 days", async () => {
      useFakeNow();
      const user = await buildUser();
      const { api } = await mint(await signIn(user));
      for (let day = 20; day <= 360; day += 20) {
        advanceClock(20 * DAY);
        expect((await api.get("/api/auth/me")).status, `day ${day}`).to.equal(200);
      }
      const browser = await signIn(user);
      const listed = await browser.get<{ tokens: Array<{ expiresAt: string; createdAt: string }> }>(
        "/api/account/tokens",
      );
      const t = listed.body.tokens[0];
      expect(new Date(t.expiresAt).getTime() - new Date(t.createdAt).getTime()).to.equal(365 * DAY);
      advanceClock(5 * DAY + 1000); // day 365 + 1 s: in use all along, still ends
      await expectDead(api, "past the absolute maximum");
    });
  });
});
