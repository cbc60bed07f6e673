import crypto from "node:crypto";
import { expect } from "chai";
import { createOfficeAdapter } from "../../addin/src/office/adapter.js";
import { signIn, SignInError, type SignInDeps } from "../../addin/src/auth/signIn.js";
import type { NaaClientFactory, NaaSettings } from "../../addin/src/auth/naa.js";
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
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: stranger });
    const { fake, deps } = setup(async () => accessToken);
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

  describe("nested app authentication (MSAL replaced by a stub; the real one runs in test/browser/addin-naa.test.ts)", () => {
    /** A host with NestedAppAuth 1.1 and Office SSO; `naa` stands in for MSAL. */
    function naaSetup(naa: NaaClientFactory, sso: () => Promise<string>) {
      const s = setup(sso);
      s.fake.supported.NestedAppAuth = "1.1";
      return { ...s, deps: { ...s.deps, naaClient: naa } };
    }

    it("asks MSAL for the server's API scope and signs in with that token, without Office SSO", async () => {
      const seen: NaaSettings[] = [];
      let ssoCalls = 0;
      const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
      const { deps } = naaSetup(
        async (settings) => {
          seen.push(settings);
          return { silent: async () => accessToken, interactive: async () => accessToken };
        },
        async () => {
          ssoCalls += 1;
          return "unused";
        },
      );
      const result = await signIn(deps);
      expect(result).to.deep.include({ via: "microsoft" });
      expect(result.user.id).to.equal(staff.id);
      expect(seen).to.deep.equal([
        {
          clientId: CLIENT_ID,
          scope: `api://kuvert.test/${CLIENT_ID}/access_as_user`,
          authority: "https://login.microsoftonline.com/organizations",
        },
      ]);
      expect(ssoCalls).to.equal(0);
    });

    it("falls back to Office SSO when MSAL fails for another reason than a needed prompt", async () => {
      const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
      let interactive = 0;
      const { fake, deps } = naaSetup(
        async () => ({
          silent: async () => {
            throw Object.assign(new Error("bridge broke"), { errorCode: "persistent_error" });
          },
          interactive: async () => {
            interactive += 1;
            return "unused";
          },
        }),
        async () => accessToken,
      );
      const result = await signIn(deps);
      expect(result.via).to.equal("microsoft");
      expect(interactive, "no prompt for a broken bridge").to.equal(0);
      expect(fake.dialogs).to.have.length(0);
    });

    it("skips MSAL when Microsoft sign-in is off on the server, and ends in the dialog", async () => {
      let msal = 0;
      const configured = env();
      setEnv({ ...configured, ENTRA_CLIENT_ID: undefined });
      try {
        const { fake, deps } = naaSetup(
          async () => {
            msal += 1;
            return null;
          },
          async () => "an SSO token the server will not take",
        );
        // The real dialog page is driven in test/browser/addin-taskpane.test.ts; here: it is where we end.
        const [cancelled] = await Promise.all([failure(signIn(deps)), dialogAnswers(fake, null)]);
        expect(cancelled.reason).to.equal("cancelled");
        expect(fake.dialogs).to.have.length(1);
        expect(msal).to.equal(0);
      } finally {
        setEnv(configured);
      }
    });
  });
});
