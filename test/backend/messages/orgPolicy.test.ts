import { expect } from "chai";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface Options {
  idCheck: boolean;
  hideRecipients: boolean;
  readReceipt: boolean;
  notify: boolean;
  expiresAt: string | null;
}

describe("messages: organisation policy sets defaults and forces security functions (F4)", () => {
  let staff: User;
  let alice: User;
  let api: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    await Organisation.update(
      {
        policy: {
          messages: {
            defaults: { hideRecipients: true, readReceipt: true },
            forced: ["idCheck", "notAnOption"],
            defaultExpiryDays: 7,
          },
        },
      },
      { where: { id: org.id } },
    );
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: null });
    api = await signIn(staff);
  });

  async function optionsOf(body: Record<string, unknown>): Promise<Options> {
    const sent = await api.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Policy",
      body: "x",
      ...body,
    });
    expect(sent.status, sent.text).to.equal(201);
    return (await api.get<{ options: Options }>(`/api/messages/${sent.body.id}`)).body.options;
  }

  it("applies defaults to left-out options and forces the forced ones", async () => {
    const o = await optionsOf({});
    expect(o).to.include({ idCheck: true, hideRecipients: true, readReceipt: true, notify: true });
    const days = (new Date(o.expiresAt!).getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(6.9, 7.01);
  });

  it("lets the sender turn defaults off but not forced options", async () => {
    const expiresAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const o = await optionsOf({ options: { idCheck: false, hideRecipients: false, readReceipt: false, expiresAt } });
    expect(o).to.include({ idCheck: true, hideRecipients: false, readReceipt: false });
    expect(new Date(o.expiresAt!).toISOString()).to.equal(expiresAt);
  });

  it("uses the built-in defaults without a policy", async () => {
    const other = await buildUser();
    const otherApi = await signIn(other);
    const sent = await otherApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "x",
      body: "x",
    });
    const o = (await otherApi.get<{ options: Options }>(`/api/messages/${sent.body.id}`)).body.options;
    expect(o).to.include({ idCheck: false, hideRecipients: false, readReceipt: false, notify: true, expiresAt: null });
  });
});
