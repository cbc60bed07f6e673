/** What a reader sees lives inside the content JWE (S1): format v1, docs/format.md §3. */
export type { MessageContent, AttachmentInfo } from "../messageFormat/index.js";

/** The options the server acts on; stored as plain columns on the message. */
export interface MessageOptions {
  idCheck: boolean;
  burnAfterReading: boolean;
  eyesOnly: boolean;
  readReceipt: boolean;
  notify: boolean;
  hideRecipients: boolean;
  expiresAt: Date | null;
}
