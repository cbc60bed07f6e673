import type { Message } from "../../models/Message.js";
import type { AttachmentInfo } from "../messageFormat/index.js";

/** A draft being sent: its row, and (plaintext form) its content key and attachment list. */
export interface SendDraft {
  message: Message;
  cek: Buffer | null;
  attachments: AttachmentInfo[];
}
