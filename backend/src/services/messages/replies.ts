import type { Transaction } from "sequelize";
import type { Message } from "../../models/Message.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { User, normaliseEmail } from "../../models/User.js";
import { effectivePlan, PlanReplyOnlyError } from "./plans.js";

/**
 * The people a reader of `parent` may answer: its sender and, unless recipients are hidden,
 * its other recipients (F10). Basic users may write to no one else (F27: reply only).
 */
export async function replyTargets(
  t: Transaction,
  user: User,
  parent: Message,
  to: Array<{ email: string }>,
): Promise<void> {
  if ((await effectivePlan(t, user)) !== "basic") return;
  const ids = new Set<string>();
  if (parent.senderId) ids.add(parent.senderId);
  if (!parent.hideRecipients || parent.senderId === user.id) {
    for (const r of await MessageRecipient.findAll({
      where: { messageId: parent.id },
      attributes: ["userId"],
      transaction: t,
    }))
      ids.add(r.userId);
  }
  const allowed = new Set(
    (await User.findAll({ where: { id: [...ids] }, attributes: ["id", "email"], transaction: t })).map((u) => u.email),
  );
  if (to.some((r) => !allowed.has(normaliseEmail(r.email)))) throw PlanReplyOnlyError();
}
