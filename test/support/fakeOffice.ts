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
  SharedPropertiesLike,
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

/** Office calls in flight at once (Outlook allows at most three). */
export interface Concurrency {
  inFlight: number;
  max: number;
}

function respond<T>(
  failures: FakeFailures,
  operation: string,
  cb: Callback<T>,
  value: () => T,
  apply?: () => void,
  track?: Concurrency,
): void {
  if (track) {
    track.inFlight += 1;
    track.max = Math.max(track.max, track.inFlight);
  }
  later(() => {
    if (track) track.inFlight -= 1;
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
  /** How many of this item's Office calls ran at once. */
  concurrency: Concurrency = { inFlight: 0, max: 0 };
  saved = 0;
  sent = false;
  sendAsync?: (callback: Callback<void>) => void;
  /** The From the user chose (Mailbox 1.7); null: Outlook reports none. */
  fromAddress: EmailAddressLike | null = null;
  /** The owner of the shared folder or mailbox the item is in (Mailbox 1.8/1.13); null: not in one. */
  sharedOwner: string | null = null;

  constructor(opts: { canSend?: boolean } = {}) {
    if (opts.canSend) {
      this.sendAsync = (cb) =>
        respond(
          this.failures,
          "sendAsync",
          cb,
          () => undefined,
          () => (this.sent = true),
          this.concurrency,
        );
    }
  }

  private recipients(key: "toList" | "ccList" | "bccList", field: string): RecipientsLike {
    return {
      getAsync: (cb) =>
        respond(
          this.failures,
          `${field}.getAsync`,
          cb,
          () => this[key].map((r) => ({ ...r })),
          undefined,
          this.concurrency,
        ),
      addAsync: (list, cb) =>
        respond(
          this.failures,
          `${field}.addAsync`,
          cb,
          () => undefined,
          () => this[key].push(...toDetails(list)),
          this.concurrency,
        ),
      setAsync: (list, cb) =>
        respond(
          this.failures,
          `${field}.setAsync`,
          cb,
          () => undefined,
          () => (this[key] = toDetails(list)),
          this.concurrency,
        ),
    };
  }

  get to() {
    return this.recipients("toList", "to");
  }
  get from() {
    return {
      getAsync: (cb: Callback<EmailAddressLike>) =>
        respond(
          this.failures,
          "from.getAsync",
          cb,
          () => (this.fromAddress ? { ...this.fromAddress } : (null as unknown as EmailAddressLike)),
          undefined,
          this.concurrency,
        ),
    };
  }
  getSharedPropertiesAsync(cb: Callback<SharedPropertiesLike>): void {
    // Outlook fails the call for an item that is not in a shared folder or mailbox.
    if (!this.sharedOwner)
      this.failures.getSharedPropertiesAsync ??= { code: 9000, name: "GenericResponseError", message: "Not shared" };
    respond(
      this.failures,
      "getSharedPropertiesAsync",
      cb,
      () => ({ owner: this.sharedOwner ?? "" }),
      undefined,
      this.concurrency,
    );
  }
  get cc() {
    return this.recipients("ccList", "cc");
  }
  get bcc() {
    return this.recipients("bccList", "bcc");
  }
  get subject() {
    return {
      getAsync: (cb: Callback<string>) =>
        respond(this.failures, "subject.getAsync", cb, () => this.subjectText, undefined, this.concurrency),
      setAsync: (s: string, cb: Callback<void>) =>
        respond(
          this.failures,
          "subject.setAsync",
          cb,
          () => undefined,
          () => (this.subjectText = s),
          this.concurrency,
        ),
    };
  }
  get body() {
    return {
      getAsync: (type: string, cb: Callback<string>) =>
        respond(
          this.failures,
          "body.getAsync",
          cb,
          () => (type === "html" ? this.bodyHtml : this.bodyHtml.replace(/<[^>]+>/g, "")),
          undefined,
          this.concurrency,
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
          this.concurrency,
        ),
    };
  }
  getAttachmentsAsync(cb: Callback<AttachmentDetailsLike[]>): void {
    respond(
      this.failures,
      "getAttachmentsAsync",
      cb,
      () =>
        this.attachmentList.map((a) => ({
          id: a.id,
          name: a.name,
          size: atob(a.content).length, // atob: in Node and in the browser (officeInPage.ts)
          attachmentType: a.attachmentType ?? "file",
          isInline: a.isInline ?? false,
        })),
      undefined,
      this.concurrency,
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
    respond(
      this.failures,
      "getAttachmentContentAsync",
      cb,
      () => ({ content: a!.content, format: "base64" }),
      undefined,
      this.concurrency,
    );
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
      this.concurrency,
    );
  }
  saveAsync(cb: Callback<string>): void {
    respond(
      this.failures,
      "saveAsync",
      cb,
      () => "AAMkADraft=",
      () => (this.saved += 1),
      this.concurrency,
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
  /** The dialog page calls Office.context.ui.messageParent(message); `origin` is the page's (default: the URL's). */
  post(message: string, origin: string | undefined = new URL(this.url).origin): void {
    for (const h of this.handlers.get(DialogMessageReceived) ?? []) h({ message, origin });
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
  /** What a dialog page sent with messageParent: [message, targetOrigin]. */
  parentMessages: Array<[string, string | undefined]>;
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
  const parentMessages: Array<[string, string | undefined]> = [];
  const failures: FakeFailures = {};
  const supported: Record<string, string> = { Mailbox: opts.mailbox ?? "1.15" };
  const version = (v: string) => v.split(".").map(Number);
  return {
    settings,
    savedSettings,
    dialogs,
    parentMessages,
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
        messageParent(message, options) {
          parentMessages.push([message, options?.targetOrigin]);
        },
      },
      mailbox: { item },
    },
  };
}

/** What the in-page dialog host records (window.__outlookDialogs in the task pane's page). */
export interface DialogHostRecord {
  /** URLs opened with displayDialogAsync. */
  opened: string[];
  /** messageParent calls refused because their targetOrigin was not the pane's origin. */
  refused: Array<{ targetOrigin: string | undefined }>;
}

/**
 * The dialogs of the in-test Outlook host, for browser tests: a function run in every page of
 * the browser context (`context.addInitScript(outlookDialogHost)`, so that it also runs in the
 * popup). In the task pane's page it installs `window.__outlookDialogs.display(url, options,
 * callback)`, which the host's `Office.context.ui.displayDialogAsync` calls: the page opens in a
 * real popup window (window.open, as Outlook on the web does), a popup the user closes reports
 * Office's error 12006, and `close()` closes it. In the popup (its opener has the host) it
 * defines the Office.js surface of a dialog page: onReady, context.displayLanguage (the
 * pane's) and context.ui.messageParent, which reaches the pane's DialogMessageReceived handler
 * with the dialog's origin only when `targetOrigin` is the pane's origin (as Office checks).
 * Serialised into the page: it uses nothing from this module.
 */
export function outlookDialogHost(): void {
  type Handler = (arg: unknown) => void;
  interface Entry {
    win: Window;
    handlers: Record<string, Handler>;
    closedByAddin: boolean;
  }
  interface Host {
    opened: string[];
    refused: Array<{ targetOrigin: string | undefined }>;
    display(url: string, options: { width?: number; height?: number }, cb: (r: unknown) => void): void;
    deliver(source: Window, message: string, targetOrigin: string | undefined, origin: string): void;
  }
  const g = window as unknown as { __outlookDialogs?: Host; Office?: unknown };
  type Opener = { __outlookDialogs?: Host; Office?: { context?: { displayLanguage?: string } } };
  const openerOf = (): Opener | null => {
    try {
      return (window.opener as Opener | null) ?? null;
    } catch {
      return null; // another origin's window
    }
  };
  const opener = openerOf();
  const parentHost = opener?.__outlookDialogs;
  if (parentHost) {
    // The dialog page: office.js (answered empty by the test) would define this.
    const info = { host: "Outlook", platform: "OfficeOnline" };
    g.Office = {
      AsyncResultStatus: { Succeeded: 0, Failed: 1 },
      CoercionType: { Html: "html", Text: "text" },
      EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
      onReady(cb?: (i: typeof info) => void) {
        return new Promise((resolve) =>
          setTimeout(() => {
            cb?.(info);
            resolve(info);
          }, 0),
        );
      },
      context: {
        displayLanguage: opener?.Office?.context?.displayLanguage ?? "sv-SE",
        requirements: { isSetSupported: (name: string) => name === "DialogApi" },
        ui: {
          messageParent(message: string, options?: { targetOrigin?: string }) {
            parentHost.deliver(window, String(message), options?.targetOrigin, location.origin);
          },
        },
        mailbox: { item: null },
      },
    };
    return;
  }
  if (window.top !== window) return;
  const dialogs: Entry[] = [];
  const host: Host = {
    opened: [],
    refused: [],
    display(url, options, cb) {
      host.opened.push(url);
      if (dialogs.some((d) => !d.win.closed)) {
        setTimeout(() => cb({ status: 1, error: { code: 12007, name: "Error", message: "A dialog is already open" } }));
        return;
      }
      // Office sizes dialogs in percent of the display; the test's display is a 1280 × 800 laptop.
      const width = Math.round((1280 * (options.width ?? 40)) / 100);
      const height = Math.round((800 * (options.height ?? 60)) / 100);
      const win = window.open(url, "", `popup,width=${width},height=${height}`);
      if (!win) {
        setTimeout(() => cb({ status: 1, error: { code: 12009, name: "Error", message: "The dialog was blocked" } }));
        return;
      }
      const entry: Entry = { win, handlers: {}, closedByAddin: false };
      dialogs.push(entry);
      const watch = setInterval(() => {
        if (!win.closed) return;
        clearInterval(watch);
        if (!entry.closedByAddin) entry.handlers.dialogEventReceived?.({ error: 12006 });
      }, 100);
      const dialog = {
        addEventHandler: (type: string, h: Handler) => (entry.handlers[type] = h),
        close() {
          entry.closedByAddin = true;
          win.close();
        },
      };
      setTimeout(() => cb({ status: 0, value: dialog }));
    },
    deliver(source, message, targetOrigin, origin) {
      const entry = dialogs.find((d) => d.win === source);
      if (!entry) return;
      if (targetOrigin !== location.origin) {
        host.refused.push({ targetOrigin });
        return;
      }
      setTimeout(() => entry.handlers.dialogMessageReceived?.({ message, origin }));
    },
  };
  g.__outlookDialogs = host;
}
