import crypto from "node:crypto";
import jose from "node-jose";
import { expect } from "chai";
import type { User } from "../../../backend/src/models/User.js";
import { encryptContent, newContentKey, wrapContentKey } from "../../../backend/src/services/messageFormat/index.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface LookupKey {
  email: string;
  userId: string;
  kid: string;
  publicKey: Record<string, string>;
}

describe("messages: sending a draft with attachments, and the pre-encrypted form (F1, F6)", () => {
  let staff: User;
  let alice: User;
  let staffApi: ApiClient;
  let aliceApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: null });
    staffApi = await signIn(staff);
    aliceApi = await signIn(alice);
  });

  it("a draft with a streamed attachment is sent; the reader sees the file and downloads it", async () => {
    const draft = await staffApi.post<{ id: string }>("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    const file = crypto.randomBytes(150_000);
    const up = await staffApi.post<{ id: string; name: string; size: number }>(
      `/api/messages/${draft.body.id}/attachments`,
      file,
      {
        "Content-Type": "application/pdf",
        "X-File-Name": encodeURIComponent("beslut åäö.pdf"),
      },
    );
    expect(up.status, up.text).to.equal(201);
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Beslut",
      body: "Se bilagan",
      draftId: draft.body.id,
    });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body.id).to.equal(draft.body.id);

    const read = await aliceApi.get<{
      subject: string;
      attachments: Array<{ id: string; name: string; size: number }>;
    }>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.attachments).to.deep.equal([
      { id: up.body.id, name: "beslut åäö.pdf", type: "application/pdf", size: file.length },
    ]);
    const download = await fetch(`${aliceApi.baseUrl}/api/messages/${sent.body.id}/attachments/${up.body.id}`, {
      headers: { Cookie: aliceApi.cookieHeader() },
    });
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).to.equal(true);

    // A sent draft cannot be sent again, nor can someone else send mine.
    const again = await staffApi.post("/api/messages", {
      to: [{ email: alice.email }],
      subject: "x",
      body: "x",
      draftId: draft.body.id,
    });
    expect(again.status).to.be.oneOf([404, 409]);
    const other = await staffApi.post<{ id: string }>("/api/messages/drafts", {});
    expect(
      (
        await aliceApi.post("/api/messages", {
          to: [{ email: staff.email }],
          subject: "x",
          body: "x",
          draftId: other.body.id,
        })
      ).status,
    ).to.equal(404);
  });

  it("accepts the add-in's pre-encrypted message and refuses malformed or misaddressed ones", async () => {
    const lookup = await staffApi.post<{ keys: LookupKey[] }>("/api/keys/lookup", {
      recipients: [{ email: staff.email }, { email: alice.email }],
    });
    expect(lookup.status).to.equal(200);
    const keys = await Promise.all(
      lookup.body.keys.map(async (k) => ({ ...k, key: await jose.JWK.asKey(k.publicKey) })),
    );
    const cek = newContentKey();
    const content = await encryptContent(
      {
        v: 1,
        subject: "Krypterat i Outlook",
        bodyText: "Hej från tillägget",
        bodyHtml: null,
        attachments: [],
        options: {},
      },
      cek,
    );
    const envelopes = await Promise.all(
      keys.map(async (k) => ({ userId: k.userId, jwe: await wrapContentKey(cek, k.key) })),
    );

    const onlyAlice = envelopes.filter((e) => e.userId === alice.id);
    const missing = await staffApi.post("/api/messages", {
      to: [{ email: alice.email }],
      encrypted: { content, envelopes: [...onlyAlice, onlyAlice[0]] },
    });
    expect(missing.status).to.equal(422);
    const wrongKey = await staffApi.post("/api/messages", {
      to: [{ email: alice.email }],
      encrypted: {
        content,
        envelopes: envelopes.map((e) =>
          e.userId === alice.id ? { userId: e.userId, jwe: envelopes.find((x) => x.userId === staff.id)!.jwe } : e,
        ),
      },
    });
    expect(wrongKey.status).to.equal(422);
    expect(wrongKey.body.error).to.equal("invalid_encrypted_message");
    const garbage = await staffApi.post("/api/messages", {
      to: [{ email: alice.email }],
      encrypted: { content: "a.b.c.d.e", envelopes },
    });
    expect(garbage.status).to.equal(422);

    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      encrypted: { content, envelopes },
    });
    expect(sent.status, sent.text).to.equal(201);
    const read = await aliceApi.get<{ subject: string; text: string }>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.include({ subject: "Krypterat i Outlook", text: "Hej från tillägget" });
    expect((await staffApi.get<{ subject: string }>(`/api/messages/${sent.body.id}`)).body.subject).to.equal(
      "Krypterat i Outlook",
    );
  });
});
