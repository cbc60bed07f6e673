import type { Transaction } from "sequelize";
import { User } from "../models/User.js";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { deletionSteps } from "../services/account/deletionSteps.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import type { MailboxDetail } from "../services/sharedMailboxes/admin.js";
import type { RequestMeta } from "./openMessageForReader.js";

/**
 * Renames a shared mailbox (issue 11): the name in the admin console and the members' mailbox
 * list, and its identity's display name — the sender name recipients see on later messages and
 * notifications. The address stays. Audited with the old and the new name.
 */
export async function renameSharedMailbox(
  t: Transaction,
  props: { actor: User; detail: MailboxDetail; name: string; meta: RequestMeta },
): Promise<void> {
  const { mailbox, identity } = props.detail;
  const from = mailbox.name;
  if (from === props.name) return;
  await mailbox.update({ name: props.name }, { transaction: t });
  await identity.update({ name: props.name }, { transaction: t });
  await recordAudit(t, {
    type: "mailbox.renamed",
    organisationId: mailbox.organisationId,
    actorId: props.actor.id,
    userId: identity.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { mailboxId: mailbox.id, from, to: props.name },
  });
}

export type DeleteSharedMailboxResult = { kind: "deleted"; messages: number } | { kind: "not_empty"; messages: number };

/**
 * Deletes a shared mailbox (issue 11). While it holds messages (in any folder, Trash included)
 * it is refused unless `withMessages`: then its messages are crypto-shredded for the mailbox
 * exactly as for a deleted account (F21) — the mailbox's key envelopes and entries go, and a
 * message nobody else holds is destroyed with its blobs; senders and recipients outside the
 * mailbox keep their own copies. Its identity user goes with its key versions, escrow copies,
 * member wraps, memberships and member events (ON DELETE CASCADE), so no key that could open
 * its envelopes remains, and the address is free again. Audited (`mailbox.deleted`).
 * `detail` must have been loaded in `t` with the mailbox row locked.
 */
export async function deleteSharedMailbox(
  t: Transaction,
  props: { actor: User; detail: MailboxDetail; withMessages: boolean; meta: RequestMeta },
): Promise<DeleteSharedMailboxResult> {
  const { mailbox, identity } = props.detail;
  const messages = await MailboxEntry.count({ where: { userId: identity.id }, transaction: t });
  if (messages > 0 && !props.withMessages) return { kind: "not_empty", messages };
  for (const step of deletionSteps) await step.run(t, identity);
  await User.destroy({ where: { id: identity.id }, transaction: t });
  await recordAudit(t, {
    type: "mailbox.deleted",
    organisationId: mailbox.organisationId,
    actorId: props.actor.id,
    userId: null,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { mailboxId: mailbox.id, name: mailbox.name, email: identity.email, messages },
  });
  return { kind: "deleted", messages };
}
