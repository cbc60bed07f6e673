/// <reference types="office-js" />
/**
 * A small in-memory stand-in for the Office.js mailbox surface that addin/src/office/adapter.ts
 * uses (OfficeLike). Asynchronous like the real thing: callbacks run on a later tick. Runs in
 * Node and, bundled by officeInPage.ts, as the Outlook host of a page in Chromium.
 */
import type {
  AsyncResultLike,
  AttachmentDetailsLike,
  Callback,
  ComposeItemLike,
  DialogLike,
  EmailAddressLike,
  OfficeErrorLike,
  OfficeLike,
  ReadItemLike,
  RecipientsLike,
} from "../../addin/src/office/officeTypes.js";

// Office's enums at run time: AsyncResultStatus is numeric, the others are strings.
const Succeeded = 0 as Office.AsyncResultStatus;
const Failed = 1 as Office.AsyncResultStatus;
const DialogMessageReceived = "dialogMessageReceived" as unknown as Office.EventType;
const DialogEventReceived = "dialogEventReceived" as unknown as Office.EventType;

export interface FakeAttachment {
  id: string;
  name: string;
  /** Base64 content. */
  content: string;
  isInline?: boolean;
  attachmentType?: string;
  contentType?: string;
}

export interface FakeFailures {
  /** Operation name (e.g. "body.setAsync") → the error its next call reports. */
  [operation: string]: OfficeErrorLike | undefined;
}

function later(fn: () => void): void {
  setTimeout(fn, 0);
}

function respond<T>(
  failures: FakeFailures,
  operation: string,
  cb: Callback<T>,
  value: () => T,
  apply?: () => void,
): void {
  later(() => {
    const failure = failures[operation];
    if (failure) {
      delete failures[operation];
      cb({ status: Failed, value: undefined as T, error: failure } as AsyncResultLike<T>);
      return;
    }
    apply?.();
    cb({ status: Succeeded, value: value(), error: undefined as unknown as OfficeErrorLike });
  });
}

function toDetails(list: Array<string | EmailAddressLike>): EmailAddressLike[] {
  return list.map((r) => (typeof r === "string" ? { emailAddress: r, displayName: r } : { ...r }));
}

export class FakeComposeItem implements ComposeItemLike {
  toList: EmailAddressLike[] = [];
  ccList: EmailAddressLike[] = [];
  bccList: EmailAddressLike[] = [];
  subjectText = "";
  bodyHtml = "<p></p>";
  attachmentList: FakeAttachment[] = [];
  failures: FakeFailures = {};
  saved = 0;
  sent = false;
  sendAsync?: (callback: Callback<void>) => void;

  constructor(opts: { canSend?: boolean } = {}) {
    if (opts.canSend) {
      this.sendAsync = (cb) =>
        respond(
          this.failures,
          "sendAsync",
          cb,
          () => undefined,
          () => (this.sent = true),
        );
    }
  }

  private recipients(key: "toList" | "ccList" | "bccList", field: string): RecipientsLike {
    return {
      getAsync: (cb) => respond(this.failures, `${field}.getAsync`, cb, () => this[key].map((r) => ({ ...r }))),
      addAsync: (list, cb) =>
        respond(
          this.failures,
          `${field}.addAsync`,
          cb,
          () => undefined,
          () => this[key].push(...toDetails(list)),
        ),
      setAsync: (list, cb) =>
        respond(
          this.failures,
          `${field}.setAsync`,
          cb,
          () => undefined,
          () => (this[key] = toDetails(list)),
        ),
    };
  }

  get to() {
    return this.recipients("toList", "to");
  }
  get cc() {
    return this.recipients("ccList", "cc");
  }
  get bcc() {
    return this.recipients("bccList", "bcc");
  }
  get subject() {
    return {
      getAsync: (cb: Callback<string>) => respond(this.failures, "subject.getAsync", cb, () => this.subjectText),
      setAsync: (s: string, cb: Callback<void>) =>
        respond(
          this.failures,
          "subject.setAsync",
          cb,
          () => undefined,
          () => (this.subjectText = s),
        ),
    };
  }
  get body() {
    return {
      getAsync: (type: string, cb: Callback<string>) =>
        respond(this.failures, "body.getAsync", cb, () =>
          type === "html" ? this.bodyHtml : this.bodyHtml.replace(/<[^>]+>/g, ""),
        ),
      setAsync: (data: string, options: { coercionType?: string }, cb: Callback<void>) =>
        respond(
          this.failures,
          "body.setAsync",
          cb,
          () => undefined,
          () => {
            if (options.coercionType !== "html") throw new Error("fake: only HTML bodies");
            this.bodyHtml = data;
          },
        ),
    };
  }
  getAttachmentsAsync(cb: Callback<AttachmentDetailsLike[]>): void {
    respond(this.failures, "getAttachmentsAsync", cb, () =>
      this.attachmentList.map((a) => ({
        id: a.id,
        name: a.name,
        size: atob(a.content).length, // atob: in Node and in the browser (officeInPage.ts)
        attachmentType: a.attachmentType ?? "file",
        isInline: a.isInline ?? false,
      })),
    );
  }
  getAttachmentContentAsync(id: string, cb: Callback<{ content: string; format: string }>): void {
    const a = this.attachmentList.find((x) => x.id === id);
    if (!a)
      this.failures.getAttachmentContentAsync ??= {
        code: 9017,
        name: "InvalidAttachmentId",
        message: "The attachment identifier does not exist.",
      };
    respond(this.failures, "getAttachmentContentAsync", cb, () => ({ content: a!.content, format: "base64" }));
  }
  removeAttachmentAsync(id: string, cb: Callback<void>): void {
    if (!this.attachmentList.some((x) => x.id === id)) {
      this.failures.removeAttachmentAsync ??= {
        code: 9017,
        name: "InvalidAttachmentId",
        message: "The attachment identifier does not exist.",
      };
    }
    respond(
      this.failures,
      "removeAttachmentAsync",
      cb,
      () => undefined,
      () => (this.attachmentList = this.attachmentList.filter((x) => x.id !== id)),
    );
  }
  saveAsync(cb: Callback<string>): void {
    respond(
      this.failures,
      "saveAsync",
      cb,
      () => "AAMkADraft=",
      () => (this.saved += 1),
    );
  }
}

export class FakeReadItem implements ReadItemLike {
  itemId = "AAMkRead=";
  to: EmailAddressLike[] = [];
  cc: EmailAddressLike[] = [];
  subject = "";
  bodyHtml = "";
  attachments: AttachmentDetailsLike[] = [];
  contents = new Map<string, string>();
  failures: FakeFailures = {};
  get body() {
    return {
      getAsync: (_type: string, cb: Callback<string>) =>
        respond(this.failures, "body.getAsync", cb, () => this.bodyHtml),
    };
  }
  getAttachmentContentAsync(id: string, cb: Callback<{ content: string; format: string }>): void {
    respond(this.failures, "getAttachmentContentAsync", cb, () => ({
      content: this.contents.get(id) ?? "",
      format: "base64",
    }));
  }
}

export class FakeDialog implements DialogLike {
  handlers = new Map<
    Office.EventType,
    Array<(arg: { message: string; origin: string | undefined } | { error: number }) => void>
  >();
  closed = false;
  constructor(readonly url: string) {}
  addEventHandler(
    type: Office.EventType,
    handler: (arg: { message: string; origin: string | undefined } | { error: number }) => void,
  ): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }
  close(): void {
    this.closed = true;
  }
  /** The dialog page calls Office.context.ui.messageParent(message). */
  post(message: string): void {
    for (const h of this.handlers.get(DialogMessageReceived) ?? []) h({ message, origin: new URL(this.url).origin });
  }
  /** The user closes the dialog (Office reports error 12006). */
  closeByUser(): void {
    for (const h of this.handlers.get(DialogEventReceived) ?? []) h({ error: 12006 });
  }
}

export interface FakeOffice extends OfficeLike {
  settings: Map<string, unknown>;
  savedSettings: Map<string, unknown>;
  dialogs: FakeDialog[];
  supported: Record<string, string>;
  failures: FakeFailures;
}

/** A fake Office namespace around `item` (compose or read), UI language `displayLanguage`. */
export function fakeOffice(
  item: ComposeItemLike | ReadItemLike | null,
  opts: {
    displayLanguage?: string;
    mailbox?: string;
    /** Accept http:// dialog pages (the test server on loopback); Office itself refuses them (12003). */
    httpDialogs?: boolean;
  } = {},
): FakeOffice {
  const settings = new Map<string, unknown>();
  const savedSettings = new Map<string, unknown>();
  const dialogs: FakeDialog[] = [];
  const failures: FakeFailures = {};
  const supported: Record<string, string> = { Mailbox: opts.mailbox ?? "1.15" };
  const version = (v: string) => v.split(".").map(Number);
  return {
    settings,
    savedSettings,
    dialogs,
    supported,
    failures,
    AsyncResultStatus: { Succeeded },
    CoercionType: { Html: "html" as Office.CoercionType, Text: "text" as Office.CoercionType },
    EventType: {
      DialogMessageReceived,
      DialogEventReceived,
    },
    context: {
      displayLanguage: opts.displayLanguage ?? "sv-SE",
      requirements: {
        isSetSupported(name, minVersion = "1.1") {
          const have = supported[name];
          if (!have) return false;
          const [hMaj, hMin] = version(have);
          const [wMaj, wMin] = version(minVersion);
          return hMaj > wMaj || (hMaj === wMaj && hMin >= wMin);
        },
      },
      roamingSettings: {
        get: (name) => settings.get(name),
        set: (name, value) => void settings.set(name, value),
        remove: (name) => void settings.delete(name),
        saveAsync: (cb) =>
          respond(
            failures,
            "roamingSettings.saveAsync",
            cb ?? (() => undefined),
            () => undefined,
            () => {
              savedSettings.clear();
              for (const [k, v] of settings) savedSettings.set(k, v);
            },
          ),
      },
      ui: {
        displayDialogAsync(url, _options, cb) {
          if (!url.startsWith("https://") && !(opts.httpDialogs && /^http:\/\/127\.0\.0\.1[:/]/.test(url))) {
            failures.displayDialogAsync ??= { code: 12003, name: "Error", message: "HTTPS is required" };
          }
          const dialog = new FakeDialog(url);
          respond(
            failures,
            "displayDialogAsync",
            cb,
            () => dialog,
            () => dialogs.push(dialog),
          );
        },
      },
      mailbox: { item },
    },
  };
}
