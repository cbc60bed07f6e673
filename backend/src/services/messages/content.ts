/** What a reader sees, all of it inside the content JWE (S1). Format version 1. */
export interface MessageContent {
  v: 1;
  subject: string;
  text: string | null;
  html: string | null;
  attachments: AttachmentMeta[];
}

export interface AttachmentMeta {
  id: string;
  name: string;
  type: string;
  size: number;
}

export interface MessageOptions {
  idCheck: boolean;
  burnAfterReading: boolean;
  eyesOnly: boolean;
  readReceipt: boolean;
  notify: boolean;
  hideRecipients: boolean;
  expiresAt: Date | null;
}
