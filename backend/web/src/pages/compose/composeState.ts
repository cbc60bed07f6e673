// The composer's state and its transitions, kept apart from React so a unit test can walk them.
import type { ComposeDefaults, Message, SecurityOptions } from "../../api/messages.js";
import type { UploadState } from "./AttachmentList.js";
import { defaultOptions, toggleKeys, type ToggleKey } from "./securityOptions.js";

/** The body as the rich-text editor gives it: HTML to send and its text. */
export interface RichBody {
  html: string;
  text: string;
}

export interface ComposeState {
  to: string;
  toError: string | undefined;
  /** Mobile numbers typed for recipients new to Kuvert, by address. */
  mobiles: Record<string, string>;
  /** Addresses the server asked a mobile number for. */
  needMobile: string[];
  subject: string;
  body: RichBody;
  /** Bumped when the body is replaced from outside the editor (draft, template, signature). */
  bodyRevision: number;
  options: SecurityOptions;
  expires: boolean;
  expiryDate: string;
  /** Functions the organisation forces on. */
  forced: ComposeDefaults["forced"];
  signature: string | null;
  /** The organisation's mandatory signature as text: the server adds it below the message when it is sent. */
  mandatorySignature: string | null;
  /** "Draft saved": describes the text as it was saved, so any change hides it. */
  draftNotice: boolean;
  uploads: UploadState[];
  busy: boolean;
  error: unknown;
  /** The draft or the message replied to could not be loaded. */
  loadError: unknown;
}

export type ComposeAction =
  | { type: "toChanged"; to: string }
  | { type: "toChecked"; error: string | undefined }
  | { type: "mobileChanged"; email: string; mobile: string }
  | { type: "subjectChanged"; subject: string }
  | { type: "bodyChanged"; body: RichBody }
  /** Text added below the body from outside the editor (template, signature); `html` is its markup. */
  | { type: "textAppended"; text: string; html: string }
  | { type: "optionChanged"; key: ToggleKey; on: boolean }
  | { type: "expiresChanged"; on: boolean }
  | { type: "expiryDateChanged"; date: string }
  /** The organisation's defaults; `expiryDate` is the default expiry as a date, when there is one. */
  | { type: "defaultsLoaded"; defaults: ComposeDefaults; expiryDate: string | null; isDraft: boolean }
  /** The From changed (a shared mailbox or the user): the mandatory signature as rendered for it. */
  | { type: "mandatorySignatureLoaded"; defaults: ComposeDefaults }
  | { type: "draftLoaded"; draft: DraftFields }
  | { type: "replyLoaded"; to: string | null; subject: string }
  | { type: "loadFailed"; error: unknown }
  | { type: "uploadAdded"; upload: UploadState }
  | { type: "uploadChanged"; key: string; patch: Partial<UploadState> }
  | { type: "uploadRemoved"; key: string }
  | { type: "submitted" }
  | { type: "mobilesNeeded"; emails: string[] }
  | { type: "draftSaved" }
  | { type: "failed"; error: unknown };

/** What a reopened draft puts back into the composer. */
export interface DraftFields {
  to: string;
  mobiles: Record<string, string>;
  subject: string;
  body: RichBody;
  options: Partial<SecurityOptions> | null;
  uploads: UploadState[];
}

export function initialComposeState(to = ""): ComposeState {
  return {
    to,
    toError: undefined,
    mobiles: {},
    needMobile: [],
    subject: "",
    body: { html: "", text: "" },
    bodyRevision: 0,
    options: defaultOptions,
    expires: false,
    expiryDate: "",
    forced: [],
    signature: null,
    mandatorySignature: null,
    draftNotice: false,
    uploads: [],
    busy: false,
    error: null,
    loadError: null,
  };
}

/** A saved draft (GET /api/messages/:id of a draft) as composer fields; `toHtml` turns plain text into markup. */
export function draftFields(m: Message, toHtml: (text: string) => string): DraftFields {
  const to = m.draftTo ?? [];
  return {
    to: to.map((r) => r.email).join(", "),
    mobiles: Object.fromEntries(to.filter((r) => r.mobile).map((r) => [r.email, r.mobile as string])),
    subject: m.subject,
    body: { html: m.html ?? toHtml(m.text ?? ""), text: m.text ?? "" },
    options: m.draftOptions ?? null,
    uploads: m.attachments.map((a) => ({
      key: a.id,
      name: a.name,
      size: a.size,
      sent: a.size,
      status: "done" as const,
      attachmentId: a.id,
    })),
  };
}

/** An edit to what would be sent: the "saved" notice no longer describes it. */
function edited(state: ComposeState, patch: Partial<ComposeState>): ComposeState {
  return { ...state, ...patch, draftNotice: false };
}

export function composeReducer(state: ComposeState, action: ComposeAction): ComposeState {
  switch (action.type) {
    case "toChanged":
      return edited(state, { to: action.to, needMobile: [] });
    case "toChecked":
      return { ...state, toError: action.error };
    case "mobileChanged":
      return { ...state, mobiles: { ...state.mobiles, [action.email]: action.mobile } };
    case "subjectChanged":
      return edited(state, { subject: action.subject });
    case "bodyChanged":
      if (action.body.html === state.body.html) return { ...state, body: action.body };
      return edited(state, { body: action.body });
    case "textAppended": {
      const b = state.body;
      return edited(state, {
        body: { html: `${b.text ? b.html : ""}${action.html}`, text: `${b.text ? `${b.text}\n\n` : ""}${action.text}` },
        bodyRevision: state.bodyRevision + 1,
      });
    }
    case "optionChanged":
      return edited(state, { options: { ...state.options, [action.key]: action.on } });
    case "expiresChanged":
      return edited(state, { expires: action.on });
    case "expiryDateChanged":
      return edited(state, { expiryDate: action.date });
    case "defaultsLoaded": {
      const d = action.defaults;
      const next = {
        ...state,
        signature: d.signature?.trim() ? d.signature : null,
        mandatorySignature: d.mandatorySignature?.text.trim() ? d.mandatorySignature.text : null,
        forced: d.forced,
      };
      // A reopened draft keeps its own choices.
      if (action.isDraft) return next;
      return {
        ...next,
        options: { ...state.options, ...d.defaults },
        ...(action.expiryDate ? { expires: true, expiryDate: action.expiryDate } : {}),
      };
    }
    case "mandatorySignatureLoaded": {
      const m = action.defaults.mandatorySignature;
      return { ...state, mandatorySignature: m?.text.trim() ? m.text : null };
    }
    case "draftLoaded": {
      const d = action.draft;
      const saved = d.options;
      return {
        ...state,
        to: d.to,
        mobiles: d.mobiles,
        subject: d.subject,
        body: d.body,
        bodyRevision: state.bodyRevision + 1,
        uploads: d.uploads,
        draftNotice: false,
        ...(saved
          ? {
              options: {
                ...state.options,
                ...Object.fromEntries(
                  toggleKeys.filter((k) => typeof saved[k] === "boolean").map((k) => [k, saved[k]]),
                ),
              },
              expires: !!saved.expiresAt,
              expiryDate: saved.expiresAt ? saved.expiresAt.slice(0, 10) : "",
            }
          : {}),
      };
    }
    case "replyLoaded":
      return edited(state, { to: action.to ?? state.to, subject: action.subject });
    case "loadFailed":
      return { ...state, loadError: action.error };
    case "uploadAdded":
      return { ...state, uploads: [...state.uploads, action.upload] };
    case "uploadChanged":
      return {
        ...state,
        uploads: state.uploads.map((u) => (u.key === action.key ? { ...u, ...action.patch } : u)),
      };
    case "uploadRemoved":
      return { ...state, uploads: state.uploads.filter((u) => u.key !== action.key) };
    case "submitted":
      return { ...state, busy: true, error: null, draftNotice: false };
    case "mobilesNeeded":
      return { ...state, busy: false, needMobile: action.emails };
    case "draftSaved":
      return { ...state, busy: false, draftNotice: true };
    case "failed":
      return { ...state, busy: false, error: action.error };
  }
}

/** The expiry as the API wants it: the end of the chosen day, or null when off or not chosen. */
export function expiresAt(state: Pick<ComposeState, "expires" | "expiryDate">): string | null {
  return state.expires && state.expiryDate ? new Date(`${state.expiryDate}T23:59:59`).toISOString() : null;
}

/** The recipients as the API wants them: each address with the mobile typed for it, if any. */
export function recipients(
  addresses: string[],
  mobiles: Record<string, string>,
): Array<{ email: string; mobile: string | null }> {
  return addresses.map((email) => ({ email, mobile: mobiles[email]?.trim() || null }));
}
