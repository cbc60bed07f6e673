import { expect } from "chai";
import AdmZip from "adm-zip";
import { transaction } from "../../../backend/src/db.js";
import { sendMessage } from "../../../backend/src/commands/sendMessage.js";
import { Message } from "../../../backend/src/models/Message.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import { MailboxEntry } from "../../../backend/src/models/MailboxEntry.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";
import {
  startDelivery,
  enableTotp,
  appCode,
  shiftClock,
  resetClock,
  type Delivery,
} from "../../support/secondFactor.js";

const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

async function send(sender: User, to: User[], subject: string, text: string): Promise<Message> {
  const { message } = await transaction((t) =>
    sendMessage(t, { sender, to: to.map((u) => ({ email: u.email })), subject, text, html: null, options }),
  );
  return message;
}

async function signIn(user: User): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
  expect(res.body.next, res.text).to.equal("done");
  return api;
}

describe("my data (F21): messages in the export, crypto-shredded at deletion", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    resetClock();
    await delivery.close();
  });

  it("exports every message I can read, decrypted, in a zip", async () => {
    const org = await buildOrganisation();
    const sender = await buildUser({ organisation: org, name: "Handläggare" });
    const me = await buildUser({ organisation: null });
    const m1 = await send(sender, [me], "Beslut om bistånd", "Du har beviljats stöd.");
    const m2 = await send(sender, [me], "Kallelse", "Välkommen på möte.");
    const api = await signIn(me);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    const code = await delivery.smsCode(me.mobile!);
    const res = await fetch(`${api.baseUrl}/api/account/export`, {
      method: "POST",
      headers: {
        Cookie: api.cookieHeader(),
        "Content-Type": "application/json",
        "X-CSRF-Token": api.cookies.get("kuvert_csrf") ?? "",
      },
      body: JSON.stringify({ method: "sms", code }),
    });
    expect(res.status).to.equal(200);
    const zip = new AdmZip(Buffer.from(await res.arrayBuffer()));
    const messages = zip
      .getEntries()
      .filter((e) => e.entryName.endsWith("/message.json"))
      .map(
        (e) =>
          JSON.parse(e.getData().toString("utf8")) as {
            id: string;
            subject: string;
            bodyText: string;
            from: string;
            folder: string;
          },
      );
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(m1.id)).to.include({
      subject: "Beslut om bistånd",
      bodyText: "Du har beviljats stöd.",
      from: sender.email,
      folder: "inbox",
    });
    expect(byId.get(m2.id)?.subject).to.equal("Kallelse");
  });

  it("deleting my account destroys my keys to every message and shreds those nobody else holds", async () => {
    const org = await buildOrganisation();
    const colleague = await buildUser({ organisation: org });
    const me = await buildUser({ organisation: org });
    const shared = await send(colleague, [me], "Delat", "Finns kvar hos kollegan.");
    const mine = await send(me, [colleague], "Bara mitt", "Kollegan har slängt sitt exemplar.");
    await transaction(async (t) => {
      await MailboxEntry.destroy({ where: { userId: colleague.id, messageId: mine.id }, transaction: t });
      await KeyEnvelope.destroy({ where: { userId: colleague.id, messageId: mine.id }, transaction: t });
    });

    const api = await signIn(me);
    const secret = await enableTotp(api, me, delivery);
    shiftClock(60_000);
    const res = await api.delete("/api/account", { password: defaultPassword, method: "totp", code: appCode(secret) });
    expect(res.status, res.text).to.equal(204);

    expect(await KeyEnvelope.count({ where: { userId: me.id } })).to.equal(0);
    expect(await MailboxEntry.count({ where: { userId: me.id } })).to.equal(0);
    const gone = (await Message.findByPk(mine.id))!;
    expect(gone.state).to.equal("shredded");
    expect(gone.content).to.equal(null);
    expect(await KeyEnvelope.count({ where: { messageId: mine.id } })).to.equal(0);
    const kept = (await Message.findByPk(shared.id))!;
    expect(kept.state).to.equal("active");
    expect(await KeyEnvelope.count({ where: { messageId: shared.id, userId: colleague.id } })).to.equal(1);
  });
});
