import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { sendMessage } from "../../../backend/src/commands/sendMessage.js";
import { SearchTerm } from "../../../backend/src/models/SearchTerm.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";

const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

async function send(sender: User, to: User[], subject: string, text: string): Promise<string> {
  const { message } = await transaction((t) =>
    sendMessage(t, { sender, to: to.map((u) => ({ email: u.email })), subject, text, html: null, options }),
  );
  return message.id;
}

async function signIn(user: User): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
  expect(res.body.next).to.equal("done");
  return api;
}

type Page = { items: Array<{ id: string }>; total: number };

describe("mailbox search over encrypted content", () => {
  let sender: User;
  let reader: User;
  let other: User;
  const ids: Record<string, string> = {};

  before(async () => {
    sender = await buildUser({ organisation: await buildOrganisation(), name: "Karin Socialsekreterare" });
    reader = await buildUser({ organisation: null });
    other = await buildUser({ organisation: null });
    ids.decision = await send(sender, [reader], "Beslut om försörjningsstöd", "Ditt ärende är nu handlagt.");
    ids.meeting = await send(sender, [reader], "Kallelse till möte", "Välkommen på tisdag kl. 10 i Stadshuset.");
    ids.foreign = await send(sender, [other], "Beslut om bostadsanpassning", "Ärendet gäller en annan person.");
  });

  async function search(api: ApiClient, q: string, folder = "inbox"): Promise<string[]> {
    const res = await api.get<Page>(`/api/mailbox/${folder}?q=${encodeURIComponent(q)}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.items.map((i) => i.id);
  }

  it("finds messages by words and word beginnings in subject and body, with Swedish letters", async () => {
    const api = await signIn(reader);
    expect(await search(api, "beslut")).to.deep.equal([ids.decision]);
    expect(await search(api, "FÖRSÖRJ")).to.deep.equal([ids.decision]);
    expect(await search(api, "stadshus")).to.deep.equal([ids.meeting]);
    expect(await search(api, "möte tisdag")).to.deep.equal([ids.meeting]);
    expect(await search(api, "möte beslut")).to.deep.equal([]);
    expect((await search(api, "")).length).to.equal(2);
  });

  it("finds messages by the sender's name", async () => {
    const api = await signIn(reader);
    expect((await search(api, "karin")).sort()).to.deep.equal([ids.decision, ids.meeting].sort());
  });

  it("never finds another reader's messages", async () => {
    const api = await signIn(reader);
    expect(await search(api, "bostadsanpassning")).to.deep.equal([]);
    const theirs = await signIn(other);
    expect(await search(theirs, "bostadsanpassning")).to.deep.equal([ids.foreign]);
    expect(await search(theirs, "stadshuset")).to.deep.equal([]);
  });

  it("stores only keyed hashes, no words", async () => {
    const rows = await SearchTerm.findAll({ where: { userId: reader.id } });
    expect(rows.length).to.be.greaterThan(10);
    for (const r of rows) expect(r.term).to.match(/^[A-Za-z0-9_-]{22}$/);
    const all = rows.map((r) => r.term).join(" ");
    for (const word of ["beslut", "möte", "stadshuset", "karin"]) expect(all).to.not.contain(word);
  });

  it("forgets a message once it is deleted for good", async () => {
    const api = await signIn(reader);
    await api.post("/api/mailbox/trash", { messageIds: [ids.meeting] });
    expect(await search(api, "stadshus", "trash")).to.deep.equal([ids.meeting]);
    await api.post("/api/mailbox/trash/empty", {});
    expect(await search(api, "stadshus", "trash")).to.deep.equal([]);
    expect(await SearchTerm.count({ where: { userId: reader.id, messageId: ids.meeting } })).to.equal(0);
  });
});
