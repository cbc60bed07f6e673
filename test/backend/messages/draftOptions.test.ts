import { expect } from "chai";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildUser } from "../../support/factories.js";

describe("messages: a draft keeps its chosen security functions (F4, F11)", () => {
  let api: ApiClient;
  let other: ApiClient;

  before(async () => {
    api = await signIn(await buildUser());
    other = await signIn(await buildUser());
  });

  it("saves the options inside the encrypted draft and returns them only for the draft to its owner", async () => {
    const id = (await api.post<{ id: string }>("/api/messages/drafts", {})).body.id;
    const none = await api.get<{ draftOptions?: unknown }>(`/api/messages/${id}`);
    expect(none.body.draftOptions).to.equal(undefined);
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const saved = await api.put(`/api/messages/drafts/${id}`, {
      subject: "Med val",
      body: "x",
      options: { burnAfterReading: true, notify: false, expiresAt },
    });
    expect(saved.status, saved.text).to.equal(204);
    const open = await api.get<{ draftOptions: Record<string, unknown> }>(`/api/messages/${id}`);
    expect(open.body.draftOptions).to.deep.equal({ burnAfterReading: true, notify: false, expiresAt });
    expect((await other.get(`/api/messages/${id}`)).status).to.equal(404);
  });

  it("rejects unknown or mistyped options with 400", async () => {
    const id = (await api.post<{ id: string }>("/api/messages/drafts", {})).body.id;
    expect((await api.put(`/api/messages/drafts/${id}`, { options: { selfDestruct: true } })).status).to.equal(400);
    expect((await api.put(`/api/messages/drafts/${id}`, { options: { idCheck: "yes" } })).status).to.equal(400);
    expect((await api.put(`/api/messages/drafts/${id}`, { options: { expiresAt: "tomorrow" } })).status).to.equal(400);
  });
});
