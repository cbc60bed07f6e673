import type { Sequelize } from "sequelize";
import { Organisation } from "./Organisation.js";
import { User } from "./User.js";
import { OutboxEntry } from "./OutboxEntry.js";
import { AuditEvent } from "./AuditEvent.js";
import { InboundMail } from "./InboundMail.js";
import { Session } from "./Session.js";
import { ApiToken } from "./ApiToken.js";
import { RateLimitBucket } from "./RateLimitBucket.js";
import { VerificationCode } from "./VerificationCode.js";
import { BackupCode } from "./BackupCode.js";
import { Phone } from "./Phone.js";
import { UserTotp } from "./UserTotp.js";
import { UserSettings } from "./UserSettings.js";
import { Message } from "./Message.js";
import { KeyEnvelope } from "./KeyEnvelope.js";
import { MessageRecipient } from "./MessageRecipient.js";
import { MailboxEntry } from "./MailboxEntry.js";
import { Folder } from "./Folder.js";
import { Attachment } from "./Attachment.js";
import { Contact } from "./Contact.js";
import { MessageIdCheck } from "./MessageIdCheck.js";
import { MessageTemplate } from "./MessageTemplate.js";
import { BlobDeletion } from "./BlobDeletion.js";
import { AutoReplyLog } from "./AutoReplyLog.js";
import { AttachmentUpload } from "./AttachmentUpload.js";
import { SearchTerm } from "./SearchTerm.js";
import { BlobMove } from "./BlobMove.js";
import { Invitation } from "./Invitation.js";
import { NotificationLogo, NotificationText } from "./NotificationText.js";
import { SharedMailbox } from "./SharedMailbox.js";
import { SharedMailboxMember } from "./SharedMailboxMember.js";
import { SharedMailboxEvent, SharedMailboxKey, SharedMailboxKeyWrap } from "./SharedMailboxKey.js";

export { Organisation, User, OutboxEntry, AuditEvent };
export { InboundMail };
export { Session, ApiToken, RateLimitBucket };
export { VerificationCode, BackupCode, Phone, UserTotp, UserSettings };
export { Message, KeyEnvelope, MessageRecipient, MailboxEntry, Folder, Attachment, Contact, MessageIdCheck };
export { BlobDeletion, AutoReplyLog, SearchTerm, Invitation, NotificationText, NotificationLogo };
export { SharedMailbox, SharedMailboxMember, SharedMailboxKey, SharedMailboxKeyWrap, SharedMailboxEvent };

/** Binds every model to `sequelize`. Explicit list: add new models here. */
export function initModels(sequelize: Sequelize): void {
  for (const model of [Organisation, User, OutboxEntry, AuditEvent]) model.initModel(sequelize);
  InboundMail.initModel(sequelize);
  for (const model of [Session, ApiToken, RateLimitBucket]) model.initModel(sequelize);
  for (const model of [VerificationCode, BackupCode, Phone, UserTotp, UserSettings]) model.initModel(sequelize);
  for (const model of [
    Message,
    KeyEnvelope,
    MessageRecipient,
    MailboxEntry,
    Folder,
    Attachment,
    Contact,
    MessageIdCheck,
  ])
    model.initModel(sequelize);
  BlobDeletion.initModel(sequelize);
  AutoReplyLog.initModel(sequelize);
  AttachmentUpload.initModel(sequelize);
  SearchTerm.initModel(sequelize);
  MessageTemplate.initModel(sequelize);
  BlobMove.initModel(sequelize);
  Invitation.initModel(sequelize);
  NotificationText.initModel(sequelize);
  NotificationLogo.initModel(sequelize);
  for (const model of [SharedMailbox, SharedMailboxMember, SharedMailboxKey, SharedMailboxKeyWrap, SharedMailboxEvent])
    model.initModel(sequelize);
  User.belongsTo(Organisation, { foreignKey: "organisationId", as: "organisation" });
  Organisation.hasMany(User, { foreignKey: "organisationId", as: "users" });
}
