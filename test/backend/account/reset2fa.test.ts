import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import {
  auditTypes,
  enableTotp,
  generateBackupCodes,
  startDelivery,
  type Delivery,
} from "../../support/secondFactor.js";
import { transaction } from "../../../backend/src/db.js";
import { commands } from "../../../backend/src/cli/commands.js";

describe("CLI user:reset-2fa", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    await delivery.close();
  });

  it("turns the authenticator and one-time codes off, audited; sign-in then needs only the password", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    await generateBackupCodes(api, user, delivery);
    await enableTotp(api, user, delivery);
    const out = await transaction((t) => commands["user:reset-2fa"].run(t, { email: user.email.toUpperCase() }));
    expect(out).to.deep.equal({ email: user.email, totpWasEnabled: true, twoFactor: "off" });
    const login = await ApiClient.create();
    expect((await login.post("/api/auth/login", { email: user.email, password: defaultPassword })).body.next).to.equal(
      "done",
    );
    expect((await login.get("/api/account/backup-codes")).body).to.deep.equal({ remaining: 0 });
    expect(await auditTypes(login)).to.include("2fa.reset");
  });

  it("names an unknown user clearly", async () => {
    let caught: { id?: string } | undefined;
    await transaction((t) => commands["user:reset-2fa"].run(t, { email: "nobody@example.test" })).catch(
      (e: { id?: string }) => (caught = e),
    );
    expect(caught?.id).to.equal("not_found");
  });
});
