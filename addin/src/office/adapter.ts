/// <reference types="office-js" />
/**
 * The ONLY module that touches Office.js. Every call is promisified; everything else in the
 * add-in (task pane, launch events) takes an `OfficeAdapter` and stays testable in Node and in
 * a plain browser page.
 */
import type {
  AttachmentContentLike,
  AttachmentDetailsLike,
  Callback,
  ComposeItemLike,
  DialogLike,
  EmailAddressLike,
  OfficeLike,
  ReadItemLike,
  RecipientsLike,
  SharedPropertiesLike,
} from "./officeTypes.js";

export type RecipientField = "to" | "cc" | "bcc";

export interface Recipient {
  email: string;
  name: string;
}

export interface Recipients {
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
}

export interface Attachment {
  id: string;
  name: string;
  size: number;
  /** "file", "item" (an attached e-mail) or "cloud" (a link to a cloud file). */
  kind: string;
  isInline: boolean;
  contentType: string | null;
}

export interface AttachmentContent {
  /** "base64" for files, "eml" for attached e-mails, "iCalendar", or "url" for cloud files. */
  format: string;
  content: string;
}

export interface DialogHandle {
  /** The first message the dialog sends with Office.context.ui.messageParent. */
  nextMessage(): Promise<string>;
  close(): void;
}

/** An Office.js call that failed; `code` is Office's error code (e.g. 12006 dialog closed). */
export class OfficeApiError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number | null,
    readonly officeName: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
    this.name = "OfficeApiError";
  }
}

export interface OfficeAdapter {
  /** "sv-SE", "en-US", … (Outlook's UI language). */
  displayLanguage(): string;
  isSetSupported(name: string, minVersion: string): boolean;
  mode(): "compose" | "read" | "none";

  getRecipients(): Promise<Recipients>;
  getSubject(): Promise<string>;
  getBodyHtml(): Promise<string>;
  getAttachments(): Promise<Attachment[]>;
  getAttachmentContent(id: string): Promise<AttachmentContent>;
  /**
   * Compose only: the address the message goes out from — the item's From (Mailbox 1.7), or
   * else the owner of the shared folder or mailbox the item was started in (Mailbox 1.8/1.13,
   * manifest SupportsSharedFolders); null where Outlook tells neither (the user's own address).
   */
  getFrom(): Promise<Recipient | null>;

  setSubject(subject: string): Promise<void>;
  setBodyHtml(html: string): Promise<void>;
  removeAttachment(id: string): Promise<void>;
  addRecipients(field: RecipientField, recipients: Recipient[]): Promise<void>;
  setRecipients(field: RecipientField, recipients: Recipient[]): Promise<void>;
  /** Saves the draft; returns its item id. */
  save(): Promise<string>;
  /** True while composing where Outlook supports Mailbox 1.15 (item.sendAsync); elsewhere the user presses Send. */
  canSend(): boolean;
  send(): Promise<void>;

  /** Opens `url` in an Office dialog; only messages from the URL's origin are handed over. */
  openDialog(url: string, size?: { width?: number; height?: number }): Promise<DialogHandle>;
  /** Inside a dialog page: answers the page that opened it, only if that page has `targetOrigin`. */
  messageParent(message: string, targetOrigin: string): void;
  /** Office SSO token (IdentityAPI 1.3); rejects with Office's code (13001 not signed in, 13002 aborted, …). */
  getSsoToken(): Promise<string>;

  getSetting<T>(name: string): T | undefined;
  setSetting(name: string, value: unknown): void;
  removeSetting(name: string): void;
  saveSettings(): Promise<void>;
}

// Compile-time check: the real Office namespace provides everything the adapter uses.
export type OfficeNamespaceFits = typeof Office extends OfficeLike ? true : never;
const officeFits: OfficeNamespaceFits = true;
void officeFits;

/** Office's dialog error codes (DialogEventReceived). */
export const dialogErrors: Record<number, string> = {
  12002: "The dialog page could not be found or loaded",
  12003: "The dialog was directed to a URL with the HTTP protocol; HTTPS is required",
  12006: "The dialog was closed",
  12007: "A dialog is already open",
  12009: "The user chose to ignore the dialog",
};

/** Wraps one Office.js call that takes a callback into a promise. */
function call<T>(office: OfficeLike, operation: string, start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((result) => {
        if (result.status === office.AsyncResultStatus.Succeeded) resolve(result.value);
        else {
          const e = result.error;
          reject(new OfficeApiError(operation, e?.code ?? null, e?.name ?? "Error", e?.message ?? "failed"));
        }
      });
    } catch (err) {
      reject(new OfficeApiError(operation, null, "Exception", err instanceof Error ? err.message : String(err)));
    }
  });
}

function toRecipient(r: EmailAddressLike): Recipient {
  return { email: r.emailAddress, name: r.displayName ?? "" };
}

function toDetails(r: Recipient): EmailAddressLike {
  return { emailAddress: r.email, displayName: r.name || r.email };
}

function toAttachment(a: AttachmentDetailsLike): Attachment {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    kind: String(a.attachmentType),
    isInline: a.isInline,
    contentType: a.contentType ?? null,
  };
}

function isRead(item: ComposeItemLike | ReadItemLike): item is ReadItemLike {
  return typeof item.subject === "string";
}

/** Builds the adapter over an Office.js namespace (the real `Office`, or a fake in tests). */
export function createOfficeAdapter(office: OfficeLike): OfficeAdapter {
  const item = (): ComposeItemLike | ReadItemLike => {
    const current = office.context.mailbox.item;
    if (!current) throw new OfficeApiError("item", null, "NoItem", "no mail item is open");
    return current;
  };
  const compose = (operation: string): ComposeItemLike => {
    const current = item();
    if (isRead(current))
      throw new OfficeApiError(operation, null, "NotCompose", "only possible while writing a message");
    return current;
  };
  const recipients = (field: RecipientField): RecipientsLike => compose(`${field}`)[field];

  return {
    displayLanguage: () => office.context.displayLanguage || "sv-SE",
    isSetSupported: (name, minVersion) => office.context.requirements.isSetSupported(name, minVersion),
    mode() {
      const current = office.context.mailbox.item;
      if (!current) return "none";
      return isRead(current) ? "read" : "compose";
    },

    async getRecipients() {
      const current = item();
      if (isRead(current)) return { to: current.to.map(toRecipient), cc: current.cc.map(toRecipient), bcc: [] };
      // One Office call at a time (Outlook allows at most three in flight).
      const out: Recipients = { to: [], cc: [], bcc: [] };
      for (const f of ["to", "cc", "bcc"] as const) {
        const list = await call<EmailAddressLike[]>(office, `${f}.getAsync`, (cb) => current[f].getAsync(cb));
        out[f] = list.map(toRecipient);
      }
      return out;
    },
    async getSubject() {
      const current = item();
      if (isRead(current)) return current.subject;
      return call<string>(office, "subject.getAsync", (cb) => current.subject.getAsync(cb));
    },
    async getBodyHtml() {
      const current = item();
      return call<string>(office, "body.getAsync", (cb) => current.body.getAsync(office.CoercionType.Html, cb));
    },
    async getAttachments() {
      const current = item();
      if (isRead(current)) return current.attachments.map(toAttachment);
      const list = await call<AttachmentDetailsLike[]>(office, "getAttachmentsAsync", (cb) =>
        current.getAttachmentsAsync(cb),
      );
      return list.map(toAttachment);
    },
    async getFrom() {
      const current = item();
      if (isRead(current)) return null;
      const from = current.from;
      if (from && office.context.requirements.isSetSupported("Mailbox", "1.7")) {
        const value = await call<EmailAddressLike | null>(office, "from.getAsync", (cb) => from.getAsync(cb));
        if (value?.emailAddress) return toRecipient(value);
      }
      const shared = current.getSharedPropertiesAsync;
      if (typeof shared === "function" && office.context.requirements.isSetSupported("Mailbox", "1.8")) {
        // Fails (by design) when the item is not in a shared folder or mailbox.
        const props = await call<SharedPropertiesLike>(office, "getSharedPropertiesAsync", (cb) =>
          shared.call(current, cb),
        ).catch(() => null);
        if (props?.owner) return { email: props.owner, name: "" };
      }
      return null;
    },
    async getAttachmentContent(id) {
      const current = item();
      const c = await call<AttachmentContentLike>(office, "getAttachmentContentAsync", (cb) =>
        current.getAttachmentContentAsync(id, cb),
      );
      return { format: String(c.format), content: c.content };
    },

    async setSubject(subject) {
      const current = compose("subject.setAsync");
      return call<void>(office, "subject.setAsync", (cb) => current.subject.setAsync(subject, cb));
    },
    async setBodyHtml(html) {
      const current = compose("body.setAsync");
      return call<void>(office, "body.setAsync", (cb) =>
        current.body.setAsync(html, { coercionType: office.CoercionType.Html }, cb),
      );
    },
    async removeAttachment(id) {
      const current = compose("removeAttachmentAsync");
      return call<void>(office, "removeAttachmentAsync", (cb) => current.removeAttachmentAsync(id, cb));
    },
    async addRecipients(field, list) {
      const r = recipients(field);
      return call<void>(office, `${field}.addAsync`, (cb) => r.addAsync(list.map(toDetails), cb));
    },
    async setRecipients(field, list) {
      const r = recipients(field);
      return call<void>(office, `${field}.setAsync`, (cb) => r.setAsync(list.map(toDetails), cb));
    },
    async save() {
      const current = compose("saveAsync");
      return call<string>(office, "saveAsync", (cb) => current.saveAsync(cb));
    },
    canSend() {
      const current = office.context.mailbox.item;
      return !!current && !isRead(current) && office.context.requirements.isSetSupported("Mailbox", "1.15");
    },
    async send() {
      const current = compose("sendAsync");
      const sendAsync = current.sendAsync;
      if (!office.context.requirements.isSetSupported("Mailbox", "1.15") || typeof sendAsync !== "function") {
        throw new OfficeApiError(
          "sendAsync",
          null,
          "NotSupported",
          "this Outlook cannot send from an add-in (Mailbox 1.15)",
        );
      }
      return call<void>(office, "sendAsync", (cb) => sendAsync.call(current, cb));
    },

    async openDialog(url, size = {}) {
      const dialog = await call<DialogLike>(office, "displayDialogAsync", (cb) =>
        office.context.ui.displayDialogAsync(
          url,
          { width: size.width ?? 40, height: size.height ?? 60, displayInIframe: false },
          cb,
        ),
      );
      // Office reports the sender's origin; a message from any other origin (a page the dialog
      // was navigated to) is ignored. Older clients report no origin.
      const expectedOrigin = new URL(url).origin;
      const messages: string[] = [];
      let failure: OfficeApiError | null = null;
      let waiter: { resolve(m: string): void; reject(e: Error): void } | null = null;
      const settle = () => {
        if (!waiter) return;
        const w = waiter;
        if (messages.length) {
          waiter = null;
          w.resolve(messages.shift()!);
        } else if (failure) {
          waiter = null;
          w.reject(failure);
        }
      };
      dialog.addEventHandler(office.EventType.DialogMessageReceived, (arg) => {
        if ("message" in arg && (arg.origin === undefined || arg.origin === expectedOrigin)) messages.push(arg.message);
        settle();
      });
      dialog.addEventHandler(office.EventType.DialogEventReceived, (arg) => {
        const code = "error" in arg ? arg.error : null;
        failure = new OfficeApiError(
          "dialog",
          code,
          "DialogEvent",
          (code !== null && dialogErrors[code]) || "The dialog failed",
        );
        settle();
      });
      return {
        nextMessage: () =>
          new Promise<string>((resolve, reject) => {
            waiter = { resolve, reject };
            settle();
          }),
        close: () => dialog.close(),
      };
    },

    messageParent(message, targetOrigin) {
      office.context.ui.messageParent(message, { targetOrigin });
    },

    async getSsoToken() {
      const auth = office.auth;
      if (!auth || !office.context.requirements.isSetSupported("IdentityAPI", "1.3")) {
        throw new OfficeApiError(
          "auth.getAccessToken",
          13012,
          "NotSupported",
          "Office single sign-on is not available here",
        );
      }
      try {
        return await auth.getAccessToken({
          allowSignInPrompt: true,
          allowConsentPrompt: true,
          forMSGraphAccess: false,
        });
      } catch (err) {
        const e = err as { code?: unknown; name?: unknown; message?: unknown };
        const code =
          typeof e.code === "number"
            ? e.code
            : typeof e.code === "string" && /^\d+$/.test(e.code)
              ? Number(e.code)
              : null;
        throw new OfficeApiError(
          "auth.getAccessToken",
          code,
          typeof e.name === "string" ? e.name : "Error",
          typeof e.message === "string" ? e.message : "failed",
        );
      }
    },

    getSetting<T>(name: string) {
      const v = office.context.roamingSettings.get(name);
      return v === undefined || v === null ? undefined : (v as T);
    },
    setSetting: (name, value) => office.context.roamingSettings.set(name, value),
    removeSetting: (name) => office.context.roamingSettings.remove(name),
    async saveSettings() {
      return call<void>(office, "roamingSettings.saveAsync", (cb) => office.context.roamingSettings.saveAsync(cb));
    },
  };
}

/** The adapter over the page's global `Office` (call after Office.onReady). */
export function officeAdapter(): OfficeAdapter {
  const g = globalThis as { Office?: OfficeLike };
  if (!g.Office) throw new Error("Office.js is not loaded");
  return createOfficeAdapter(g.Office);
}
