import crypto from "node:crypto";
import { expect } from "chai";
import { createOfficeAdapter } from "../../addin/src/office/adapter.js";
import { signIn, SignInError, type SignInDeps } from "../../addin/src/auth/signIn.js";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import type { User } from "../../backend/src/models/User.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../support/factories.js";
import { getTestServer } from "../support/server.js";
import { startEntraProvider, type EntraTestProvider } from "../support/entraProvider.js";
import { FakeComposeItem, fakeOffice, type FakeOffice } from "../support/fakeOffice.js";

const CLIENT_ID = "5d8e3c0a-6f4b-4f7e-9a3e-2c1b0d9e8f71";
const TENANT = crypto.randomUUID();

describe("add-in sign-in: Microsoft first, Kuvert dialog as fallback", function () {
  this.timeout(30_000);
  let op: EntraTestProvider;
  let savedEnv: Env;
  let base: string;
  let staff: User;
  let staffAccount: string;

  /** A fake Office whose SSO returns `sso()`, and the sign-in dependencies around it. */
  function setup(sso: (() => Promise<string>) | null): { fake: FakeOffice; deps: SignInDeps } {
    const fake = fakeOffice(new FakeComposeItem());
    if (sso) {
      fake.supported.IdentityAPI = "1.3";
      fake.auth = { getAccessToken: sso };
    }
    // Office opens dialogs only over HTTPS; the page's address does not matter to the fake.
    return {
      fake,
      deps: {
        office: createOfficeAdapter(fake),
        apiBase: base,
        fetch,
        dialogUrl: "https://kuvert.test/addin/signin.html",
      },
    };
  }

  /** Plays the Kuvert sign-in page: waits for the dialog, then posts `message` (or closes it). */
  async function dialogAnswers(fake: FakeOffice, message: string | null): Promise<void> {
    for (let i = 0; i < 200 && fake.dialogs.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(fake.dialogs, "a dialog opened").to.have.length(1);
    expect(fake.dialogs[0].url).to.equal("https://kuvert.test/addin/signin.html");
    if (message === null) fake.dialogs[0].closeByUser();
    else fake.dialogs[0].post(message);
  }

  async function failure(p: Promise<unknown>): Promise<SignInError> {
    try {
      await p;
    } catch (err) {
      expect(err).to.be.instanceOf(SignInError);
      return err as SignInError;
    }
    throw new Error("expected sign-in to fail");
  }

  before(async () => {
    base = await getTestServer();
    op = await startEntraProvider({ clientIds: [CLIENT_ID], apiResource: (id) => `api://kuvert.test/${id}` });
    savedEnv = env();
    setEnv({
      ...savedEnv,
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_ISSUER_TEMPLATE: op.issuerTemplate,
      ENTRA_JWKS_URL: op.jwksUrl,
    });
    const org = await buildOrganisation();
    await org.update({ entraTenantId: TENANT });
    const email = uniqueEmail("staff");
    staff = await buildUser({ organisation: org, email });
    staffAccount = op.addAccount({ tid: TENANT, oid: crypto.randomUUID(), preferred_username: email, name: "Staff" });
  });

  after(async () => {
    setEnv(savedEnv);
    await op?.close();
  });

  it("signs in with the Office SSO token through the backend", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const { fake, deps } = setup(async () => accessToken);
    const result = await signIn(deps);
    expect(result.via).to.equal("microsoft");
    expect(result.token).to.match(/^kvt_/);
    expect(result.user).to.include({ id: staff.id, email: staff.email });
    expect(fake.dialogs).to.have.length(0);
  });

  // A successful sign-in through the dialog is driven on the real page in a real popup window in
  // test/browser/addin-taskpane.test.ts; here only the fallback decision and hostile answers.
  it("falls back to the Kuvert dialog where Office has no SSO", async () => {
    const { fake, deps } = setup(null);
    const [cancelled] = await Promise.all([failure(signIn(deps)), dialogAnswers(fake, null)]);
    expect(cancelled.reason).to.equal("cancelled");
  });

  it("falls back to the dialog when the Microsoft account has no Kuvert account", async () => {
    const stranger = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: uniqueEmail("stranger"),
      name: "Stranger",
    });
    const { idToken } = await op.signIn({ segment: TENANT, accountId: stranger });
    const { fake, deps } = setup(async () => idToken);
    const [cancelled] = await Promise.all([failure(signIn(deps)), dialogAnswers(fake, null)]);
    expect(cancelled.reason).to.equal("cancelled");
  });

  it("rejects a forged token from the dialog, and reports a closed dialog as cancelled", async () => {
    const forged = setup(null);
    const [bad] = await Promise.all([
      failure(signIn(forged.deps)),
      dialogAnswers(forged.fake, JSON.stringify({ token: `kvt_${crypto.randomUUID()}.${"A".repeat(43)}` })),
    ]);
    expect(bad.reason).to.equal("failed");
    const closed = setup(null);
    const [cancel] = await Promise.all([failure(signIn(closed.deps)), dialogAnswers(closed.fake, null)]);
    expect(cancel.reason).to.equal("cancelled");
    const junk = setup(null);
    const [noToken] = await Promise.all([failure(signIn(junk.deps)), dialogAnswers(junk.fake, "not json")]);
    expect(noToken.reason).to.equal("failed");
  });

  it("stops when the user aborts the Microsoft prompt (13002), without a dialog", async () => {
    const { fake, deps } = setup(async () => {
      throw Object.assign(new Error("User aborted"), { code: 13002, name: "UserAborted" });
    });
    expect((await failure(signIn(deps))).reason).to.equal("cancelled");
    expect(fake.dialogs).to.have.length(0);
  });

  it("reports the server as unavailable when Microsoft's keys cannot be fetched", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const configured = env();
    setEnv({ ...configured, ENTRA_JWKS_URL: "http://127.0.0.1:9/keys" });
    try {
      const { deps } = setup(async () => accessToken);
      expect((await failure(signIn(deps))).reason).to.equal("unavailable");
    } finally {
      setEnv(configured);
    }
  });
});
