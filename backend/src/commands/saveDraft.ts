import type { Transaction } from "sequelize";
import type jose from "node-jose";
import type { User } from "../models/User.js";
import { encryptContent, type MessageContent } from "../services/messageFormat/index.js";
import { openContentKey } from "../services/messages/contentCrypto.js";
import { draftAttachmentInfos, loadOwnDraft } from "../services/attachments/drafts.js";

export interface SaveDraftProps {
  subject: string;
  text: string | null;
  html: string | null;
  /** Who it is meant for; kept only inside the encrypted content (options.draftTo). */
  to: Array<{ email: string; mobile?: string | null }>;
  /** The security functions chosen so far (F4), kept encrypted with the rest. */
  options?: Record<string, boolean | string | null | undefined>;
}

/**
 * Saves what the sender has written so far into their draft, encrypted under the draft's own
 * content key (S1: the subject, body and intended recipients are ciphertext at rest, F11
 * "Drafts"). The attachment list is rebuilt from the draft's uploads.
 */
export async function saveDraft(
  t: Transaction,
  sender: User,
  draftId: string,
  privateKey: jose.JWK.Key,
  props: SaveDraftProps,
): Promise<void> {
  const { message, envelope } = await loadOwnDraft(t, sender, draftId);
  const cek = await openContentKey(envelope.jwe, privateKey);
  try {
    const content: MessageContent = {
      v: 1,
      subject: props.subject,
      bodyText: props.text ?? "",
      bodyHtml: props.html,
      attachments: await draftAttachmentInfos(t, message, cek),
      options: {
        draftTo: props.to.map((r) => ({ email: r.email, mobile: r.mobile ?? null })),
        ...(props.options ? { draftOptions: props.options } : {}),
      },
    };
    message.content = await encryptContent(content, cek);
    await message.save({ transaction: t });
  } finally {
    cek.fill(0);
  }
}
