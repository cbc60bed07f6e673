import type { Migration } from "../migrate.js";
import { foundation } from "./20261122000100-foundation.js";
import { inboundMail } from "./20261122000900-inbound-mail.js";
import { userKeys } from "./20261122000400-user-keys.js";
import { secondFactor } from "./20261122000500-second-factor.js";
import { auth } from "./20261122000200-auth.js";
import { messaging } from "./20261122000600-messaging.js";
import { messageIdChecks } from "./20261122001300-message-id-checks.js";
import { blobDeletions } from "./20261122000700-blob-deletions.js";
import { autoReplies } from "./20261122000800-auto-replies.js";
import { searchTerms } from "./20261122001200-search-terms.js";
import { attachmentMeta } from "./20261122001000-attachment-meta.js";
import { attachmentUploads } from "./20261122001010-attachment-uploads.js";
import { entraTenant } from "./20261122001150-entra-tenant.js";
import { auditRefs } from "./20261122001410-audit-refs.js";
import { auditChainHead } from "./20261122001500-audit-chain-head.js";
import { messageTemplates } from "./20261122001600-message-templates.js";
import { tokenKeys } from "./20261122001700-token-keys.js";
import { recipientCodeFailures } from "./20261202000100-recipient-code-failures.js";
import { blobMoves } from "./20261203000300-blob-moves.js";
import { entraIdentity } from "./20261203000400-entra-identity.js";
import { adminIndexes } from "./20261203000500-admin-indexes.js";
import { invitations } from "./20261203101000-invitations.js";
import { userTitle } from "./20261203102000-user-title.js";
import { sharedMailboxes } from "./20261203103000-shared-mailboxes.js";
import { sharedLinks } from "./20261203104000-shared-links.js";
import { sessionIdleTimeout } from "./20261203107000-session-idle-timeout.js";
import { directoryImport } from "./20261203111000-directory-import.js";
import { preEncryptedUploads } from "./20261203114000-pre-encrypted-uploads.js";
import { notificationTexts } from "./20261203110000-notification-texts.js";
import { mailboxMemberNotify } from "./20261203115000-mailbox-member-notify.js";

/** Every migration, in order. Add new ones at the end. */
export const migrations: Migration[] = [
  foundation,
  auth,
  userKeys,
  secondFactor,
  messaging,
  blobDeletions,
  autoReplies,
  inboundMail,
  attachmentMeta,
  attachmentUploads,
  entraTenant,
  searchTerms,
  messageIdChecks,
  auditRefs,
  auditChainHead,
  messageTemplates,
  tokenKeys,
  recipientCodeFailures,
  blobMoves,
  entraIdentity,
  adminIndexes,
  invitations,
  userTitle,
  sharedMailboxes,
  sharedLinks,
  sessionIdleTimeout,
  notificationTexts,
  directoryImport,
  preEncryptedUploads,
  mailboxMemberNotify,
];
