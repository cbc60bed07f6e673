/// <reference types="office-js" />
/**
 * The part of the Office.js API that the add-in uses, as narrow structural types. The real
 * `Office` namespace satisfies them (checked at compile time in adapter.ts), and tests pass a
 * small fake object that implements only these members.
 */

export interface OfficeErrorLike {
  code: number;
  name: string;
  message: string;
}

export interface AsyncResultLike<T> {
  status: Office.AsyncResultStatus;
  value: T;
  error: OfficeErrorLike;
}

export type Callback<T> = (result: AsyncResultLike<T>) => void;

export interface EmailAddressLike {
  emailAddress: string;
  displayName: string;
}

export interface RecipientsLike {
  getAsync(callback: Callback<EmailAddressLike[]>): void;
  addAsync(recipients: Array<string | EmailAddressLike>, callback: Callback<void>): void;
  setAsync(recipients: Array<string | EmailAddressLike>, callback: Callback<void>): void;
}

export interface SubjectLike {
  getAsync(callback: Callback<string>): void;
  setAsync(subject: string, callback: Callback<void>): void;
}

export interface BodyLike {
  getAsync(coercionType: Office.CoercionType | string, callback: Callback<string>): void;
}

export interface ComposeBodyLike extends BodyLike {
  setAsync(data: string, options: { coercionType?: Office.CoercionType | string }, callback: Callback<void>): void;
}

export interface AttachmentDetailsLike {
  id: string;
  name: string;
  size: number;
  attachmentType: Office.MailboxEnums.AttachmentType | string;
  isInline: boolean;
  contentType?: string;
}

export interface AttachmentContentLike {
  content: string;
  format: Office.MailboxEnums.AttachmentContentFormat | string;
}

/** A message being written (Message Compose). */
export interface ComposeItemLike {
  to: RecipientsLike;
  cc: RecipientsLike;
  bcc: RecipientsLike;
  subject: SubjectLike;
  body: ComposeBodyLike;
  getAttachmentsAsync(callback: Callback<AttachmentDetailsLike[]>): void;
  getAttachmentContentAsync(attachmentId: string, callback: Callback<AttachmentContentLike>): void;
  removeAttachmentAsync(attachmentId: string, callback: Callback<void>): void;
  saveAsync(callback: Callback<string>): void;
  /** Mailbox 1.15; absent on older clients. */
  sendAsync?(callback: Callback<void>): void;
  /** Mailbox 1.7: the From the user chose (their own address, or a shared mailbox's). */
  from?: FromLike;
  /** Mailbox 1.8 (shared folders), 1.13 (shared mailboxes); fails when the item is not in one. */
  getSharedPropertiesAsync?(callback: Callback<SharedPropertiesLike>): void;
}

export interface FromLike {
  getAsync(callback: Callback<EmailAddressLike>): void;
}

/** Office.SharedProperties: the item is in a shared folder or a shared mailbox. */
export interface SharedPropertiesLike {
  /** The e-mail address of the mailbox the item belongs to. */
  owner: string;
}

/** A message being read (Message Read). */
export interface ReadItemLike {
  itemId: string;
  to: EmailAddressLike[];
  cc: EmailAddressLike[];
  subject: string;
  body: BodyLike;
  attachments: AttachmentDetailsLike[];
  getAttachmentContentAsync(attachmentId: string, callback: Callback<AttachmentContentLike>): void;
}

export interface DialogLike {
  addEventHandler(
    eventType: Office.EventType,
    handler: (arg: { message: string; origin: string | undefined } | { error: number }) => void,
  ): void;
  close(): void;
}

export interface RoamingSettingsLike {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  remove(name: string): void;
  saveAsync(callback?: Callback<void>): void;
}

export interface AuthLike {
  /** Office SSO (IdentityAPI 1.3): an Entra ID access token for the add-in's own API. */
  getAccessToken(options?: {
    allowSignInPrompt?: boolean;
    allowConsentPrompt?: boolean;
    forMSGraphAccess?: boolean;
  }): Promise<string>;
}

export interface OfficeLike {
  /** Absent where Office has no SSO support. */
  auth?: AuthLike;
  AsyncResultStatus: { Succeeded: Office.AsyncResultStatus };
  CoercionType: { Html: Office.CoercionType; Text: Office.CoercionType };
  EventType: { DialogMessageReceived: Office.EventType; DialogEventReceived: Office.EventType };
  context: {
    displayLanguage: string;
    requirements: { isSetSupported(name: string, minVersion?: string): boolean };
    roamingSettings: RoamingSettingsLike;
    ui: {
      displayDialogAsync(
        startAddress: string,
        options: { height?: number; width?: number; displayInIframe?: boolean; promptBeforeOpen?: boolean },
        callback: Callback<DialogLike>,
      ): void;
      /** Inside a dialog: hands a message to the page that opened it (DialogApi 1.1; targetOrigin 1.2+). */
      messageParent(message: string, options?: { targetOrigin: string }): void;
    };
    mailbox: { item?: ComposeItemLike | ReadItemLike | null };
  };
}
