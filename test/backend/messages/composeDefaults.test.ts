import { expect } from "chai";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { UserSettings } from "../../../backend/src/models/UserSettings.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient, getTestServer } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface Defaults {
  defaults: Record<string, boolean>;
  forced: string[];
  defaultExpiryDays: number | null;
  signature: string | null;
}

describe("messages: GET /api/messages/compose-defaults (F4, F5)", () => {
  let staff: User;
  let other: User;
  let loner: User;

  before(async () => {
    const org = await buildOrganisation();
    await Organisation.update(
      {
        policy: {
          signature: "Socialtjänsten, Exempelkommun",
          messages: {
            defaults: { readReceipt: true, notify: false },
            forced: ["idCheck", "bogus"],
            defaultExpiryDays: 14,
          },
        },
      },
      { where: { id: org.id } },
    );
    staff = await buildUser({ organisation: org });
    other = await buildUser({ organisation: org });
    loner = await buildUser({ organisation: null });
    await UserSettings.create({ userId: other.id, signature: "Bästa hälsningar, Bo" });
  });

  it("returns the org's defaults, forced functions (only known names), expiry days and the org signature", async () => {
    const res = await (await signIn(staff)).get<Defaults>("/api/messages/compose-defaults");
    expect(res.status, res.text).to.equal(200);
    expect(res.body.defaults).to.deep.equal({
      idCheck: true,
      burnAfterReading: false,
      eyesOnly: false,
      readReceipt: true,
      notify: false,
      hideRecipients: false,
    });
    expect(res.body.forced).to.deep.equal(["idCheck"]);
    expect(res.body.defaultExpiryDays).to.equal(14);
    expect(res.body.signature).to.equal("Socialtjänsten, Exempelkommun");
  });

  it("prefers the personal signature over the org default", async () => {
    const res = await (await signIn(other)).get<Defaults>("/api/messages/compose-defaults");
    expect(res.body.signature).to.equal("Bästa hälsningar, Bo");
  });

  it("gives built-in defaults to a user without organisation, and refuses the anonymous", async () => {
    const res = await (await signIn(loner)).get<Defaults>("/api/messages/compose-defaults");
    expect(res.body).to.deep.include({ forced: [], defaultExpiryDays: null, signature: null });
    expect(res.body.defaults).to.include({ notify: true, idCheck: false });
    const anon = new ApiClient(await getTestServer());
    expect((await anon.get("/api/messages/compose-defaults")).status).to.equal(401);
  });
});
