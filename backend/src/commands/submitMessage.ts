import { transaction } from "../db.js";
import type { User } from "../models/User.js";
import type { AuthState } from "../services/sessions.js";
import type { RequestMeta } from "../services/lockout.js";
import { requestPrivateKey } from "../services/messages/readMessage.js";
import { takeEncryptedDraft, type PreEncrypted } from "../services/messages/preEncrypted.js";
import {
  applyMessagePolicy,
  messagePolicyFor,
  subjectRuleFor,
  type OptionName,
} from "../services/messages/orgPolicy.js";
import { checkSubjectRule } from "#shared/subjectWarning.js";
import { authorizeMessageReader } from "../services/messages/messageAccess.js";
import { replyTargets } from "../services/messages/replies.js";
import { takeDraftForSend } from "../services/attachments/drafts.js";
import type { RecipientInput } from "../services/messages/resolveRecipients.js";
import type { SendDraft } from "../services/messages/sendDraft.js";
import { sendMessage, type SendMessageResult } from "./sendMessage.js";
import { sendAutoReplies } from "./sendAutoReplies.js";
import { signatureForSender, withSignature } from "../services/signatures/orgSignature.js";

export type SubmitMessageResult =
  | ({ kind: "sent" } & SendMessageResult)
  | { kind: "keys_locked" }
  | { kind: "signature_required"; version: number }
  | { kind: "subject_not_allowed"; message: string };

export interface SubmitMessageProps {
  auth: AuthState;
  to: RecipientInput[];
  subject: string;
  text: string | null;
  html: string | null;
  /** What the sender asked for; organisation defaults fill the gaps and forced functions win. */
  options: Partial<Record<OptionName, boolean>> & { expiresAt: Date | null };
  /** Send this draft (with the attachments streamed into it) instead of a new message. */
  draftId: string | null;
  /** The add-in's pre-encrypted form: content JWE and one envelope per reader. */
  encrypted: PreEncrypted | null;
  /** With `encrypted`: the version of the mandatory organisation signature the client appended. */
  signatureVersion?: number | null;
  /** The message answered (ignored when sending a draft, which keeps its own parent). */
  replyTo: string | null;
  /** The add-in sends the Outlook item as the notification: the backend e-mails no recipient. */
  paneSendsNotification?: boolean;
  /**
   * Whose pre-encrypted draft `draftId` is, when not the sender's: a member sending as a shared
   * mailbox from Outlook streamed the attachments into their own draft; the message then takes
   * the mailbox as its sender (the draft's own envelope and Drafts entry go).
   */
  draftOwner?: User;
  meta: RequestMeta;
}

/**
 * POST /api/messages: sends a new message or a draft, in the plaintext or the pre-encrypted
 * form, in one transaction — takes the draft, checks that a reply's parent is readable and its
 * recipients allowed, applies the organisation's policy, sends, and sends the recipients'
 * auto-replies. A plaintext draft needs the sender's unlocked key: without one the result is
 * `keys_locked`. The draft's content key is wiped afterwards.
 *
 * The organisation's mandatory signature (F5): a plaintext send gets it appended here; a
 * pre-encrypted one must declare the current version it appended, else `signature_required`
 * (nothing is taken or sent).
 *
 * The organisation's subject rule (F24): a plaintext send whose subject the rule forbids is
 * `subject_not_allowed` (nothing is taken or sent). A pre-encrypted send's subject is inside its
 * content, out of the server's sight: the add-in's pane enforces the rule there.
 */
export async function submitMessage(props: SubmitMessageProps): Promise<SubmitMessageResult> {
  const { auth, meta } = props;
  const sender: User = auth.user;
  const plaintextDraft = !!props.draftId && !props.encrypted;
  const privateKey = plaintextDraft ? await requestPrivateKey(auth) : null;
  if (plaintextDraft && !privateKey) return { kind: "keys_locked" };
  let draftKey: Buffer | null = null;
  try {
    const sent = await transaction(async (t): Promise<SubmitMessageResult> => {
      if (!props.encrypted) {
        const check = checkSubjectRule(props.subject, await subjectRuleFor(t, sender), "en");
        if (check.level === "forbid") return { kind: "subject_not_allowed", message: check.message ?? "" };
      }
      const signature = await signatureForSender(t, sender);
      const mandatory = signature?.signature.mode === "mandatory" ? signature : null;
      if (mandatory && props.encrypted && props.signatureVersion !== mandatory.signature.version)
        return { kind: "signature_required", version: mandatory.signature.version };
      const body =
        mandatory && !props.encrypted
          ? withSignature({ text: props.text, html: props.html }, mandatory.rendered)
          : { text: props.text, html: props.html };
      let draft: SendDraft | null = null;
      if (props.draftId && props.encrypted)
        draft = await takeEncryptedDraft(t, props.draftOwner ?? sender, props.draftId);
      else if (props.draftId && privateKey) {
        draft = await takeDraftForSend(t, sender, props.draftId, privateKey);
        draftKey = draft.cek;
      }
      const parentId = draft ? draft.message.parentId : props.replyTo;
      const parent = parentId ? (await authorizeMessageReader(sender, parentId, t)).message : null;
      if (parent) await replyTargets(t, sender, parent, props.to);
      const result = await sendMessage(t, {
        sender,
        to: props.to,
        subject: props.subject,
        text: body.text,
        html: body.html,
        options: applyMessagePolicy(await messagePolicyFor(t, sender), props.options),
        parent,
        draft,
        encrypted: props.encrypted,
        paneSendsNotification: props.paneSendsNotification ?? false,
        actingMemberId: props.draftOwner?.id ?? null,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      await sendAutoReplies(
        t,
        result.message,
        sender,
        result.recipients.map((r) => r.resolved.user),
      );
      return { kind: "sent", ...result };
    });
    return sent;
  } finally {
    (draftKey as Buffer | null)?.fill(0);
  }
}
