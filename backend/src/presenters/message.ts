import sanitizeHtml from "sanitize-html";
import type { Message } from "../models/Message.js";
import type { User } from "../models/User.js";
import type { DeliveryStatus, MessageRecipient } from "../models/MessageRecipient.js";
import type { MessageContent } from "../services/messages/content.js";

export interface PresentedPerson {
  id: string;
  email: string;
  name: string | null;
}

export interface PresentedRecipient extends PresentedPerson {
  /** Delivery status; only the sender sees it. */
  status?: DeliveryStatus;
  readAt?: string | null;
}

/** S5: a conservative allow-list; no scripts, styles, iframes, forms or event handlers; links open safely. */
export function sanitiseMessageHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "span", "u", "s", "font"],
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      img: ["src", "alt", "title", "width", "height"],
      td: ["colspan", "rowspan", "align"],
      th: ["colspan", "rowspan", "align"],
      "*": ["dir", "lang"],
    },
    allowedSchemes: ["https", "http", "mailto", "tel"],
    // Remote images are tracking pixels: only inline (data:, cid:) images are kept.
    allowedSchemesByTag: { img: ["data", "cid"] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }) },
  });
}

/** A draft's intended recipients, kept inside its encrypted content. */
function draftRecipients(value: unknown): Array<{ email: string; mobile: string | null }> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((r: unknown) => {
    const o = r as { email?: unknown; mobile?: unknown };
    return typeof o?.email === "string"
      ? [{ email: o.email, mobile: typeof o.mobile === "string" ? o.mobile : null }]
      : [];
  });
}

const draftOptionNames = [
  "idCheck",
  "burnAfterReading",
  "eyesOnly",
  "readReceipt",
  "notify",
  "hideRecipients",
] as const;

/** A draft's saved security functions, read defensively from its decrypted content. */
function draftOptions(
  value: unknown,
): (Partial<Record<(typeof draftOptionNames)[number], boolean>> & { expiresAt?: string | null }) | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const out: Partial<Record<(typeof draftOptionNames)[number], boolean>> & { expiresAt?: string | null } = {};
  for (const name of draftOptionNames) if (typeof o[name] === "boolean") out[name] = o[name] as boolean;
  if (typeof o.expiresAt === "string" || o.expiresAt === null) out.expiresAt = o.expiresAt as string | null;
  return out;
}

export function presentPerson(user: User): PresentedPerson {
  return { id: user.id, email: user.email, name: user.name };
}

export function presentOptions(message: Message) {
  return {
    idCheck: message.idCheck,
    burnAfterReading: message.burnAfterReading,
    eyesOnly: message.eyesOnly,
    readReceipt: message.readReceipt,
    notify: message.notify,
    hideRecipients: message.hideRecipients,
    expiresAt: message.expiresAt ? message.expiresAt.toISOString() : null,
  };
}

export interface PresentMessageProps {
  message: Message;
  content: MessageContent;
  sender: User | null;
  /** Already filtered to what the viewer may see. */
  recipients: Array<{ row: MessageRecipient; user: User }>;
  viewerIsSender: boolean;
  /** Burn after reading: the body is shown only through the explicit reveal. */
  revealRequired?: boolean;
}

/** A decrypted message for one reader. */
export function presentMessage(p: PresentMessageProps) {
  return {
    id: p.message.id,
    threadId: p.message.threadId,
    parentId: p.message.parentId,
    sender: p.sender ? presentPerson(p.sender) : null,
    recipients: p.recipients.map(({ row, user }): PresentedRecipient => ({
      ...presentPerson(user),
      ...(p.viewerIsSender ? { status: row.status, readAt: row.readAt ? row.readAt.toISOString() : null } : {}),
    })),
    subject: p.content.subject,
    text: p.content.bodyText,
    html: p.content.bodyHtml === null ? null : sanitiseMessageHtml(p.content.bodyHtml),
    attachments: p.content.attachments.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size })),
    options: presentOptions(p.message),
    state: p.message.state,
    revealRequired: p.revealRequired ?? false,
    ...(p.message.state === "draft"
      ? {
          draftTo: draftRecipients(p.content.options.draftTo),
          draftOptions: draftOptions(p.content.options.draftOptions),
        }
      : {}),
    createdAt: p.message.createdAt.toISOString(),
  };
}
