import { Op } from "sequelize";
import { Message } from "../models/Message.js";
import { dialect, transaction } from "../db.js";
import { shredMessage } from "../services/messages/shredMessage.js";
import { allRecipientsRead } from "../commands/recordRead.js";

/**
 * Crypto-shreds every active message whose expiry date has passed, and every burned one whose
 * grace period for attachment downloads ended (its body went at the last reveal). Each message is handled in
 * its own short transaction; on MySQL the row is locked with SKIP LOCKED so instances share the
 * work. Reading is refused from the expiry instant on even before this runs (see the read
 * policy); this makes it permanent. Returns how many were shredded.
 */
export async function sweepExpiredMessages(now = new Date(), batch = 100): Promise<number> {
  const due = await Message.findAll({
    attributes: ["id"],
    where: { [Op.or]: [{ state: "active" }, { state: "burned", shreddedAt: null }], expiresAt: { [Op.lte]: now } },
    order: [["expiresAt", "ASC"]],
    limit: batch,
  });
  let count = 0;
  for (const { id } of due) {
    const done = await transaction(async (t) => {
      const message = await Message.findOne({
        where: { id, [Op.or]: [{ state: "active" }, { state: "burned", shreddedAt: null }] },
        transaction: t,
        lock: dialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
        skipLocked: dialect() !== "sqlite",
      });
      if (!message) return false;
      // A burn-after-reading message whose grace period for downloads ended burns; others expire.
      const burned = message.burnAfterReading && (await allRecipientsRead(t, message));
      await shredMessage(t, message, burned ? "burned" : "expired");
      return true;
    });
    if (done) count += 1;
  }
  return count;
}
