import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { sendMessage } from "../../../backend/src/commands/sendMessage.js";
import { sendAutoReplies } from "../../../backend/src/commands/sendAutoReplies.js";
import { UserSettings } from "../../../backend/src/models/UserSettings.js";
import { Message } from "../../../backend/src/models/Message.js";
import { MailboxEntry } from "../../../backend/src/models/MailboxEntry.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

async function sendWithAutoReplies(sender: User, to: User[]): Promise<{ message: Message; replies: number }> {
  return transaction(async (t) => {
    const { message } = await sendMessage(t, {
      sender,
      to: to.map((u) => ({ email: u.email })),
      subject: "Fråga",
      text: "Hej",
      html: null,
      options,
    });
    const replies = await sendAutoReplies(t, message, sender, to);
    return { message, replies };
  });
}

async function setAbsence(user: User, from: Date | null, to: Date | null, enabled = true): Promise<void> {
  const [settings] = await UserSettings.findOrCreate({ where: { userId: user.id } });
  await settings.update({
    autoReplyEnabled: enabled,
    autoReplyText: "Jag är på semester till måndag.",
    autoReplyFrom: from,
    autoReplyTo: to,
  });
}

describe("auto-reply (F14)", () => {
  let org: Awaited<ReturnType<typeof buildOrganisation>>;
  before(async () => {
    org = await buildOrganisation();
  });

  it("answers each sender once per absence period, in the same thread, as a secure message", async () => {
    const away = await buildUser({ organisation: org });
    const sender = await buildUser({ organisation: org });
    const other = await buildUser({ organisation: org });
    await setAbsence(away, new Date(Date.now() - 3_600_000), new Date(Date.now() + 86_400_000));

    const first = await sendWithAutoReplies(sender, [away]);
    expect(first.replies).to.equal(1);
    const reply = (await Message.findOne({ where: { parentId: first.message.id } }))!;
    expect(reply.senderId).to.equal(away.id);
    expect(reply.threadId).to.equal(first.message.threadId);
    expect(reply.content).to.not.contain("semester");
    expect(await MailboxEntry.count({ where: { userId: sender.id, messageId: reply.id, folder: "inbox" } })).to.equal(
      1,
    );

    expect((await sendWithAutoReplies(sender, [away])).replies).to.equal(0);
    expect((await sendWithAutoReplies(other, [away])).replies).to.equal(1);
  });

  it("starts over for a new absence period and stays quiet outside the period", async () => {
    const away = await buildUser({ organisation: org });
    const sender = await buildUser({ organisation: org });
    await setAbsence(away, new Date(Date.now() + 86_400_000), new Date(Date.now() + 2 * 86_400_000));
    expect((await sendWithAutoReplies(sender, [away])).replies).to.equal(0);

    await setAbsence(away, new Date(Date.now() - 1000), null);
    expect((await sendWithAutoReplies(sender, [away])).replies).to.equal(1);
    await setAbsence(away, new Date(Date.now() - 500), null);
    expect((await sendWithAutoReplies(sender, [away])).replies).to.equal(1);

    await setAbsence(away, null, null, false);
    expect((await sendWithAutoReplies(sender, [away])).replies).to.equal(0);
  });

  it("never loops when both sides are away", async () => {
    const a = await buildUser({ organisation: org });
    const b = await buildUser({ organisation: org });
    await setAbsence(a, null, null);
    await setAbsence(b, null, null);
    const { message, replies } = await sendWithAutoReplies(a, [b]);
    expect(replies).to.equal(1);
    const thread = await Message.count({ where: { threadId: message.threadId } });
    expect(thread).to.equal(2);
  });
});
