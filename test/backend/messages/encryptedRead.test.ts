import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { escrowedPrivateKey } from "../../../backend/src/services/keys/userKeys.js";
import { openMessage } from "../../../backend/src/services/messages/contentCrypto.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

describe("messages: the stored form for clients that decrypt themselves (add-in, F7)", () => {
  let staff: User;
  let alice: User;
  let mallory: User;
  let staffApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: org });
    mallory = await buildUser({ organisation: org });
    staffApi = await signIn(staff);
  });

  async function tokenClient(user: User): Promise<ApiClient> {
    const { token } = await transaction((t) => issueApiToken(t, user, "Outlook"));
    const api = await ApiClient.create();
    api.bearer = token;
    return api;
  }

  it("gives a reader with an API token the content and only their own envelope, which their key opens", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Till Outlook",
      body: "Läs i tillägget",
    });
    const api = await tokenClient(alice);
    const locked = await api.get(`/api/messages/${sent.body.id}`);
    expect(locked.status).to.equal(403);
    expect(locked.body.error).to.equal("keys_locked");

    const res = await api.get<{ content: string; envelope: string; sender: { email: string } }>(
      `/api/messages/${sent.body.id}/encrypted`,
    );
    expect(res.status, res.text).to.equal(200);
    expect(res.body.sender.email).to.equal(staff.email);
    expect(res.text).to.not.contain("Till Outlook");
    const key = await transaction((t) => escrowedPrivateKey(t, alice));
    const content = await openMessage(res.body.content, res.body.envelope, key!);
    expect(content).to.include({ subject: "Till Outlook", bodyText: "Läs i tillägget" });

    const stranger = await tokenClient(mallory);
    expect((await stranger.get(`/api/messages/${sent.body.id}/encrypted`)).status).to.equal(404);
  });

  it("refuses burn-after-reading messages (read only through the counted reveal) and ID-checked ones without a session", async () => {
    const api = await tokenClient(alice);
    const burn = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "b",
      body: "b",
      options: { burnAfterReading: true },
    });
    const res = await api.get(`/api/messages/${burn.body.id}/encrypted`);
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("reveal_in_web");
    const checked = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "c",
      body: "c",
      options: { idCheck: true },
    });
    expect((await api.get(`/api/messages/${checked.body.id}/encrypted`)).body.error).to.equal("id_check_required");
    // The sender's own copy is not limited.
    expect((await staffApi.get(`/api/messages/${burn.body.id}/encrypted`)).status).to.equal(200);
  });
});
