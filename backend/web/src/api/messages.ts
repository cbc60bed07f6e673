import { api, ApiError, apiErrorFromAnswer, networkError } from "./client.js";

export interface Person {
  id: string;
  email: string;
  name: string | null;
}

export type DeliveryStatus =
  "queued" | "notified" | "opened" | "read" | "expired" | "burned" | "bounced" | "away" | "not_delivered";
export const deliveryStatuses: DeliveryStatus[] = [
  "queued",
  "notified",
  "opened",
  "read",
  "expired",
  "burned",
  "bounced",
  "away",
  "not_delivered",
];

export interface SecurityOptions {
  idCheck: boolean;
  burnAfterReading: boolean;
  eyesOnly: boolean;
  readReceipt: boolean;
  notify: boolean;
  hideRecipients: boolean;
  expiresAt: string | null;
}

export interface MailboxItem {
  id: string;
  threadId: string;
  folder: string | null;
  unread: boolean;
  state: string;
  sender: Person | null;
  subject: string | null;
  hasAttachments: boolean | null;
  recipients: Array<Person & { status: DeliveryStatus }>;
  options: SecurityOptions;
  createdAt: string;
}

export interface MailboxPage {
  folder: string;
  total: number;
  unread: Record<string, number>;
  items: MailboxItem[];
}

export interface AttachmentInfo {
  id: string;
  name: string;
  type: string;
  size: number;
}

export interface Message {
  id: string;
  threadId: string;
  parentId: string | null;
  sender: Person | null;
  recipients: Array<Person & { status?: DeliveryStatus; readAt?: string | null }>;
  subject: string;
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  options: SecurityOptions;
  state: string;
  revealRequired: boolean;
  createdAt: string;
  /** Drafts only: the intended recipients, saved encrypted. */
  draftTo?: Array<{ email: string; mobile: string | null }>;
  /** Drafts only: the security functions chosen when it was saved. */
  draftOptions?: Partial<SecurityOptions>;
  /** Shared mailboxes only: which member read, answered or sent it (F25). */
  mailboxEvents?: MailboxEvent[];
}

export interface MailboxEvent {
  messageId: string;
  action: "read" | "replied" | "sent";
  member: { id: string; name: string | null; email: string } | null;
  at: string;
}

export interface ThreadMessage extends Message {
  available: boolean;
}

export interface Folder {
  id: string;
  name: string;
  total?: number;
  unread?: number;
}

export const systemFolders = ["inbox", "sent", "drafts", "saved", "trash"] as const;
export type SystemFolder = (typeof systemFolders)[number];

export interface SendInput {
  to: Array<{ email: string; mobile?: string | null }>;
  subject: string;
  body: string | { text: string; html: string | null };
  options: SecurityOptions;
  replyTo?: string | null;
  draftId?: string | null;
}

/** Where a new message starts (F4, F5): org defaults, forced functions and the signature to offer. */
export interface ComposeDefaults {
  defaults: Omit<SecurityOptions, "expiresAt">;
  forced: Array<keyof Omit<SecurityOptions, "expiresAt">>;
  defaultExpiryDays: number | null;
  signature: string | null;
  /** The organisation's mandatory signature (F5), rendered for the sender: the server adds it when sending. */
  mandatorySignature?: { version: number; html: string; text: string } | null;
  /** The organisation's subject rule (F24). */
  subjectRule?: { mode: "warn" | "forbid" | "off"; keywords: string[] };
}

/** An organisation's text snippet (F5); id null for the built-in standard text. */
export interface Template {
  id: string | null;
  name: string;
  body: string;
  locale: "sv" | "en";
  builtIn: boolean;
}

export const messagesApi = {
  templates: async () => (await api.get<{ templates: Template[] }>("/api/templates")).templates,
  /** With `mailbox` (sending as a shared mailbox): the mandatory signature is rendered for the mailbox. */
  composeDefaults: (mailbox?: string | null) =>
    api.get<ComposeDefaults>(
      `/api/messages/compose-defaults${mailbox ? `?mailbox=${encodeURIComponent(mailbox)}` : ""}`,
    ),
  /** Saves subject, body and intended recipients into a draft, encrypted on the server (F11). */
  saveDraft: (
    id: string,
    input: {
      to: Array<{ email: string; mobile?: string | null }>;
      subject: string;
      body: string | { text: string; html: string | null };
      options: SecurityOptions;
    },
  ) => api.put<unknown>(`/api/messages/drafts/${id}`, input),
  list: (folder: string, opts: { q?: string; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (opts.q) params.set("q", opts.q);
    if (opts.limit) params.set("limit", String(opts.limit));
    if (opts.offset) params.set("offset", String(opts.offset));
    const qs = params.toString();
    return api.get<MailboxPage>(`/api/mailbox/${encodeURIComponent(folder)}${qs ? `?${qs}` : ""}`);
  },
  get: (id: string) => api.get<Message>(`/api/messages/${id}`),
  reveal: (id: string) => api.post<Message>(`/api/messages/${id}/reveal`, {}),
  /** ID check (F4): sends the SMS code that opens the message in this session. */
  sendIdCheckCode: (id: string) => api.post<{ mobile: string | null }>(`/api/messages/${id}/id-check`, {}),
  verifyIdCheck: (id: string, code: string) =>
    api.post<{ verified: true }>(`/api/messages/${id}/id-check/verify`, { code }),
  thread: (id: string) => api.get<{ threadId: string; messages: ThreadMessage[] }>(`/api/messages/${id}/thread`),
  send: (input: SendInput) => {
    const { draftId, replyTo, ...rest } = input;
    const body: Record<string, unknown> = {
      ...rest,
      options: { ...rest.options, expiresAt: rest.options.expiresAt ?? null },
    };
    if (replyTo) body.replyTo = replyTo;
    if (draftId) body.draftId = draftId;
    return api.post<{ id: string; threadId: string }>("/api/messages", body);
  },
  /**
   * Checks that every recipient can get the message (F3): resolves to the addresses that still
   * need a mobile number (422 mobile_required lists them), or [] when all are known.
   */
  async missingMobiles(recipients: Array<{ email: string; mobile?: string | null }>): Promise<string[]> {
    try {
      await api.post<unknown>("/api/keys/lookup", { recipients });
      return [];
    } catch (err) {
      const listed = err instanceof ApiError && err.id === "mobile_required" ? err.details.recipients : undefined;
      if (!Array.isArray(listed)) throw err;
      return listed.filter((r): r is string => typeof r === "string");
    }
  },
  trash: (messageIds: string[]) => api.post<{ count: number }>("/api/mailbox/trash", { messageIds }),
  restore: (messageIds: string[]) => api.post<{ count: number }>("/api/mailbox/trash/restore", { messageIds }),
  emptyTrash: () => api.post<{ deleted: number; shredded: number }>("/api/mailbox/trash/empty", {}),
  deleteForGood: (messageIds: string[]) =>
    api.post<{ deleted: number; shredded: number }>("/api/mailbox/trash/empty", { messageIds }),
  move: (messageIds: string[], folder: string) =>
    api.post<{ count: number }>("/api/mailbox/move", { messageIds, folder }),
  mark: (messageIds: string[], unread: boolean) =>
    api.post<{ count: number }>("/api/mailbox/mark", { messageIds, unread }),
  folders: () => api.get<{ folders: Folder[] }>("/api/folders"),
  createFolder: (name: string) => api.post<Folder>("/api/folders", { name }),
  renameFolder: (id: string, name: string) => api.patch<Folder>(`/api/folders/${id}`, { name }),
  deleteFolder: (id: string) => api.delete<{ count: number }>(`/api/folders/${id}`),
  /** Sender only: a first-time recipient's corrected mobile number (after a wrong-number notice). */
  correctMobile: (messageId: string, userId: string, mobile: string) =>
    api.put<{ mobile: string | null }>(`/api/messages/${messageId}/recipients/${userId}/mobile`, { mobile }),
  /** The user's personal signature (F5), from the account settings. */
  signature: async () => (await api.get<{ signature: string | null }>("/api/account")).signature,
  createDraft: (replyTo?: string | null) =>
    api.post<{ id: string; threadId: string }>("/api/messages/drafts", replyTo ? { replyTo } : {}),
  removeAttachment: (draftId: string, attachmentId: string) =>
    api.delete<unknown>(`/api/messages/${draftId}/attachments/${attachmentId}`),
  attachmentUrl: (messageId: string, attachmentId: string) => `/api/messages/${messageId}/attachments/${attachmentId}`,
};

export interface Upload {
  promise: Promise<AttachmentInfo>;
  abort(): void;
}

/**
 * Streams one file into a draft with XMLHttpRequest: the browser sends the File from disk
 * (never read into memory here) and reports progress; abort() cancels the request.
 */
export function uploadAttachment(
  draftId: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<AttachmentInfo>((resolve, reject) => {
    xhr.open("POST", `/api/messages/${draftId}/attachments`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    for (const [name, value] of Object.entries(api.authHeaders("POST"))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(apiErrorFromAnswer(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText) as AttachmentInfo);
      } catch {
        reject(apiErrorFromAnswer(500, "", null));
      }
    };
    xhr.onerror = () => reject(networkError());
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Cancelled"));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

export interface RecipientStart {
  next: "sms_code" | "sign_in";
  mobile?: string | null;
}

export const recipientApi = {
  start: (token: string, email: string) =>
    api.post<RecipientStart>(`/api/recipient/${encodeURIComponent(token)}/start`, { email }),
  verify: (token: string, code: string) =>
    api.post<{ next: "set_password" }>(`/api/recipient/${encodeURIComponent(token)}/verify`, { code }),
  /** Tells the sender that the SMS code went to a number that is not the recipient's. */
  wrongNumber: (token: string, email: string) =>
    api.post<{ notified: true }>(`/api/recipient/${encodeURIComponent(token)}/wrong-number`, { email }),
  register: (token: string, password: string, acceptTerms: boolean) =>
    api.post<{ next: "done"; messageId: string }>(`/api/recipient/${encodeURIComponent(token)}/register`, {
      password,
      acceptTerms,
    }),
};

/**
 * The shared link (/m/{token}) of a message sent from the Outlook add-in, whose Outlook e-mail
 * was the notification for all its recipients: the same steps, each naming the recipient's address.
 */
export const sharedLinkApi = {
  start: (token: string, email: string) =>
    api.post<RecipientStart>(`/api/shared/${encodeURIComponent(token)}/start`, { email }),
  verify: (token: string, email: string, code: string) =>
    api.post<{ next: "set_password" }>(`/api/shared/${encodeURIComponent(token)}/verify`, { email, code }),
  wrongNumber: (token: string, email: string) =>
    api.post<{ notified: true }>(`/api/shared/${encodeURIComponent(token)}/wrong-number`, { email }),
  register: (token: string, email: string, password: string, acceptTerms: boolean) =>
    api.post<{ next: "done"; messageId: string }>(`/api/shared/${encodeURIComponent(token)}/register`, {
      email,
      password,
      acceptTerms,
    }),
};

/** A shared mailbox the signed-in user belongs to (F25). */
export interface SharedMailbox {
  id: string;
  name: string;
  email: string;
  rights: { read: boolean; send: boolean; manage: boolean };
  unread: number;
  /** E-mailed a neutral notice when a message arrives (the member's own choice). */
  notify: boolean;
}

/** Where MessageView reads a message from: the person's own mailbox or a shared one. */
export interface MessageSource {
  get(id: string): Promise<Message>;
  reveal(id: string): Promise<Message>;
  thread(id: string): Promise<{ threadId: string; messages: ThreadMessage[] }>;
  /** ID check (F4): the code goes to the signed-in person's phone, also for a shared mailbox's message. */
  sendIdCheckCode(id: string): Promise<{ mobile: string | null }>;
  verifyIdCheck(id: string, code: string): Promise<{ verified: true }>;
}

function sendBody(input: SendInput): Record<string, unknown> {
  const { draftId: _draftId, replyTo, ...rest } = input;
  const body: Record<string, unknown> = {
    ...rest,
    options: { ...rest.options, expiresAt: rest.options.expiresAt ?? null },
  };
  if (replyTo) body.replyTo = replyTo;
  return body;
}

/** Shared mailboxes for their members: read, reply and send as the mailbox (F25). */
export const sharedApi = {
  mine: async () => (await api.get<{ mailboxes: SharedMailbox[] }>("/api/mailboxes")).mailboxes,
  list: (mailboxId: string, folder: string, opts: { q?: string; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (opts.q) params.set("q", opts.q);
    if (opts.limit) params.set("limit", String(opts.limit));
    if (opts.offset) params.set("offset", String(opts.offset));
    const qs = params.toString();
    return api.get<MailboxPage>(
      `/api/mailboxes/${encodeURIComponent(mailboxId)}/folder/${encodeURIComponent(folder)}${qs ? `?${qs}` : ""}`,
    );
  },
  source: (mailboxId: string): MessageSource => ({
    get: (id) => api.get<Message>(`/api/mailboxes/${mailboxId}/messages/${id}`),
    reveal: (id) => api.post<Message>(`/api/mailboxes/${mailboxId}/messages/${id}/reveal`, {}),
    thread: (id) =>
      api.get<{ threadId: string; messages: ThreadMessage[] }>(`/api/mailboxes/${mailboxId}/messages/${id}/thread`),
    sendIdCheckCode: (id) =>
      api.post<{ mobile: string | null }>(`/api/mailboxes/${mailboxId}/messages/${id}/id-check`, {}),
    verifyIdCheck: (id, code) =>
      api.post<{ verified: true }>(`/api/mailboxes/${mailboxId}/messages/${id}/id-check/verify`, { code }),
  }),
  send: (mailboxId: string, input: SendInput) =>
    api.post<{ id: string; threadId: string }>(`/api/mailboxes/${mailboxId}/messages`, sendBody(input)),
  setNotify: (mailboxId: string, notify: boolean) =>
    api.put<{ notify: boolean }>(`/api/mailboxes/${encodeURIComponent(mailboxId)}/notifications`, { notify }),
  /** Members with the `manage` right: the members and who can be added (issue 11). */
  members: (mailboxId: string) =>
    api.get<{ members: MailboxMemberView[]; candidates: Array<{ id: string; name: string | null; email: string }> }>(
      `/api/mailboxes/${encodeURIComponent(mailboxId)}/members`,
    ),
  setMember: (mailboxId: string, userId: string, rights: { send: boolean; manage: boolean }) =>
    api.put<{ members: MailboxMemberView[] }>(
      `/api/mailboxes/${encodeURIComponent(mailboxId)}/members/${encodeURIComponent(userId)}`,
      rights,
    ),
  removeMember: (mailboxId: string, userId: string) =>
    api.delete<{ members: MailboxMemberView[] }>(
      `/api/mailboxes/${encodeURIComponent(mailboxId)}/members/${encodeURIComponent(userId)}`,
    ),
};

/** A member of a shared mailbox as its managers see it. */
export interface MailboxMemberView {
  userId: string;
  name: string | null;
  email: string;
  rights: { read: boolean; send: boolean; manage: boolean };
}
