import type { Transaction } from "sequelize";
import { MessageRecipient, type DeliveryStatus } from "../../models/MessageRecipient.js";
import { onInboundClassified, type InboundEvent } from "../inbound/events.js";

const referencePattern = /^message_recipient:([0-9a-f-]{36})$/;
/** Statuses an inbound bounce or auto-reply may overwrite: later, stronger facts win. */
const overridable: DeliveryStatus[] = ["queued", "notified", "away"];

/**
 * Routes bounces and out-of-office replies to notification e-mails back to the recipient's
 * delivery status, which the sender sees in Sent (F14): a final bounce → "bounced", an
 * auto-reply → "away". Delayed DSNs, positive reports and unmatched mail change nothing.
 */
export async function applyInboundToDeliveryStatus(t: Transaction, event: InboundEvent): Promise<void> {
  const id = event.reference ? referencePattern.exec(event.reference)?.[1] : undefined;
  if (!id) return;
  let status: DeliveryStatus | null = null;
  if (event.classification === "bounce" && event.action !== "delayed") status = "bounced";
  if (event.classification === "auto_reply") status = "away";
  if (!status) return;
  const recipient = await MessageRecipient.findByPk(id, { transaction: t });
  if (!recipient || !overridable.includes(recipient.status)) return;
  recipient.status = status;
  await recipient.save({ transaction: t });
}

let registered = false;

/** Subscribes once per process. */
export function registerInboundDeliveryStatus(): void {
  if (registered) return;
  registered = true;
  onInboundClassified(applyInboundToDeliveryStatus);
}
