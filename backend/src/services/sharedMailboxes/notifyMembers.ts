import type { Transaction } from "sequelize";
import { env } from "../../env.js";
import { User } from "../../models/User.js";
import { SharedMailboxMember } from "../../models/SharedMailboxMember.js";
import { enqueueEmails } from "../../outbox/enqueue.js";

/**
 * A secure message arrived in shared mailboxes (issue 11): every member who did not turn it off
 * (`notify`) and is still active gets a neutral e-mail through the outbox — the mailbox's name
 * and a link to its inbox, never the sender, subject or content. `mailboxes` are the message's
 * recipients whose role is `mailbox`; `exceptUserId` (the member who sent it, if any) is skipped.
 */
export async function notifyMailboxMembers(
  t: Transaction,
  mailboxes: Array<Pick<User, "id" | "name" | "email">>,
  exceptUserId: string | null = null,
): Promise<void> {
  for (const mailbox of mailboxes) {
    const members = await SharedMailboxMember.findAll({
      where: { mailboxId: mailbox.id, notify: true },
      transaction: t,
    });
    const ids = members.map((m) => m.userId).filter((id) => id !== exceptUserId);
    if (ids.length === 0) continue;
    const people = await User.findAll({ where: { id: ids, status: "active" }, transaction: t });
    await enqueueEmails(
      t,
      people.map((p) => ({
        to: p.email,
        template: "mailbox-message",
        locale: p.locale,
        vars: { mailboxName: mailbox.name ?? mailbox.email, link: `${env().PUBLIC_URL}/shared/${mailbox.id}/inbox` },
      })),
    );
  }
}
