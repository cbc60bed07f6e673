import type { Transaction } from "sequelize";
import { transaction } from "../../db.js";
import { appError, NotFoundError } from "../../errors.js";
import { setMailboxMember, type SetMailboxMemberProps } from "../../commands/setMailboxMember.js";
import { removeMailboxMember } from "../../commands/removeMailboxMember.js";
import type { SharedMailbox } from "../../models/SharedMailbox.js";
import type { User } from "../../models/User.js";
import type { RequestMeta } from "../../services/lockout.js";
import { orgMailbox, type MailboxDetail } from "../../services/sharedMailboxes/admin.js";

/**
 * Adding, changing and removing a mailbox member as the admin console and a managing member do
 * it: the same change in one transaction on the locked mailbox, the same errors.
 */
interface MemberChange {
  organisationId: string;
  mailboxId: string;
  /** The 404's message when the mailbox is not (or no longer) the organisation's. */
  mailboxNotFound: string;
  actor: User;
  userId: string;
  meta: RequestMeta;
}

/** Runs `change` on the organisation's mailbox, locked in one transaction; the mailbox after it. */
function onLockedMailbox(
  change: MemberChange,
  run: (t: Transaction, mailbox: SharedMailbox) => Promise<void>,
): Promise<MailboxDetail | null> {
  return transaction(async (t) => {
    const found = await orgMailbox(change.organisationId, change.mailboxId, t);
    if (!found) throw NotFoundError(change.mailboxNotFound);
    await run(t, found.mailbox);
    return orgMailbox(change.organisationId, change.mailboxId, t);
  });
}

/**
 * Adds the member or changes their rights; the mailbox after the change. 404 `not_found` (no such
 * mailbox, or the user is not of the organisation), 422 `mailbox_member_invalid`, 409
 * `mailbox_key_unavailable`: nothing is changed then.
 */
export function putMailboxMember(
  change: MemberChange & Pick<SetMailboxMemberProps, "actorKey" | "send" | "manage">,
): Promise<MailboxDetail | null> {
  return onLockedMailbox(change, async (t, mailbox) => {
    const result = await setMailboxMember(t, {
      actor: change.actor,
      actorKey: change.actorKey,
      mailbox,
      userId: change.userId,
      send: change.send,
      manage: change.manage,
      meta: change.meta,
    });
    if (result.kind === "not_found") throw NotFoundError("No such member of your organisation");
    if (result.kind === "member_invalid") throw appError("mailbox_member_invalid");
    if (result.kind === "key_unavailable") throw appError("mailbox_key_unavailable");
  });
}

/** Removes the member (the mailbox key is rotated); the mailbox after the change. 404 `not_found`. */
export function deleteMailboxMember(change: MemberChange): Promise<MailboxDetail | null> {
  return onLockedMailbox(change, async (t, mailbox) => {
    const result = await removeMailboxMember(t, {
      actor: change.actor,
      mailbox,
      userId: change.userId,
      meta: change.meta,
    });
    if (result.kind === "not_found") throw NotFoundError("No such member of this mailbox");
  });
}
