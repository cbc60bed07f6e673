import type { Transaction } from "sequelize";
import { appError } from "../../errors.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import type { User } from "../../models/User.js";
import type { SendDraft } from "./sendDraft.js";
import { loadOwnDraft } from "../attachments/drafts.js";
import { FormatError, inspectContent, inspectEnvelope } from "../messageFormat/index.js";
import type { ReaderKey, SealedMessage } from "./contentCrypto.js";

/** The add-in's pre-encrypted message (F1): everything already sealed in the browser. */
export interface PreEncrypted {
  content: string;
  envelopes: Array<{ userId: string; jwe: string }>;
}

/** Largest content JWE accepted (bodies, not attachments, which are streamed separately). */
export const MAX_CONTENT_BYTES = 8 * 1024 * 1024;

/**
 * Checks a pre-encrypted message without any key (the server never needs the plaintext): the
 * content is a well-formed v1 content JWE of a sane size, and there is exactly one well-formed
 * envelope per reader — sender included — addressed to that reader's current key (kid), so a
 * recipient can never receive a message they cannot open. Throws 422 `invalid_encrypted_message`.
 */
export function checkPreEncrypted(input: PreEncrypted, readers: ReaderKey[]): SealedMessage {
  const fail = (message: string, details?: Record<string, unknown>) =>
    appError("invalid_encrypted_message", message, { details });
  try {
    const { ciphertextBytes } = inspectContent(input.content);
    if (ciphertextBytes > MAX_CONTENT_BYTES) throw fail("The encrypted content is too large");
  } catch (err) {
    if (err instanceof FormatError) throw fail(`content: ${err.message}`);
    throw err;
  }
  const byUser = new Map<string, string>();
  for (const e of input.envelopes) {
    if (byUser.has(e.userId)) throw fail("Two envelopes for the same reader", { userId: e.userId });
    byUser.set(e.userId, e.jwe);
  }
  const missing = readers.filter((r) => !byUser.has(r.userId)).map((r) => r.userId);
  if (missing.length) throw fail("Every reader, the sender included, needs a key envelope", { missing });
  const extra = [...byUser.keys()].filter((id) => !readers.some((r) => r.userId === id));
  if (extra.length) throw fail("Envelopes for people who are not readers of this message", { extra });
  const envelopes = readers.map((r) => {
    const jwe = byUser.get(r.userId)!;
    let kid: string | null;
    try {
      kid = inspectEnvelope(jwe).kid;
    } catch (err) {
      if (err instanceof FormatError) throw fail(`envelope for ${r.userId}: ${err.message}`);
      throw err;
    }
    if (kid !== r.publicKey.kid)
      throw fail("An envelope is not addressed to the reader's current key; look the keys up again", {
        userId: r.userId,
      });
    return { userId: r.userId, jwe };
  });
  return { content: input.content, envelopes };
}

/**
 * A pre-encrypted draft (its attachments uploaded as ciphertext under the client's key) about to
 * be sent: the draft-only rows go, the client's final content and envelopes replace them.
 */
export async function takeEncryptedDraft(t: Transaction, sender: User, draftId: string): Promise<SendDraft> {
  const { message, envelope } = await loadOwnDraft(t, sender, draftId);
  await envelope.destroy({ transaction: t });
  await MailboxEntry.destroy({ where: { userId: sender.id, messageId: message.id, folder: "drafts" }, transaction: t });
  return { message, cek: null, attachments: [] };
}
