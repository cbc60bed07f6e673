import { api } from "./client.js";

/** A member of the organisation in the admin console (GET /api/admin/users). */
export interface AdminUser {
  id: string;
  name: string | null;
  email: string;
  mobile: string | null;
  role: "admin" | "staff";
  status: "active" | "invited" | "locked" | "deactivated";
  locale: string;
  twoFactor: boolean;
  createdAt: string;
}

export interface AdminUserPage {
  users: AdminUser[];
  next: string | null;
}

export interface AdminUserQuery {
  q?: string;
  role?: AdminUser["role"];
  status?: AdminUser["status"];
  after?: string;
  limit?: number;
}

export type AdminUserActionPath = "deactivate" | "reactivate" | "unlock" | "reset-2fa" | "sign-out-everywhere";

export interface AdminActionAnswer {
  user: AdminUser;
  changed: boolean;
}

function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The admin console's API (/api/admin/…). */
export const adminApi = {
  users: (params: AdminUserQuery) => api.get<AdminUserPage>(`/api/admin/users${query(params)}`),
  userAction: (id: string, action: AdminUserActionPath) =>
    api.post<AdminActionAnswer>(`/api/admin/users/${encodeURIComponent(id)}/${action}`, {}),
  changeRole: (id: string, role: AdminUser["role"]) =>
    api.put<AdminActionAnswer>(`/api/admin/users/${encodeURIComponent(id)}/role`, { role }),
  changeMobile: (id: string, mobile: string) =>
    api.put<AdminActionAnswer>(`/api/admin/users/${encodeURIComponent(id)}/mobile`, { mobile }),
};

export const securityFunctions = [
  "idCheck",
  "burnAfterReading",
  "eyesOnly",
  "readReceipt",
  "notify",
  "hideRecipients",
] as const;
export type SecurityFunction = (typeof securityFunctions)[number];

/** GET /api/admin/policies. */
export interface AdminPolicies {
  zeroAccess: boolean;
  requireSecondFactor: boolean;
  lockout: { threshold: number; mode: "hard" | "temporary"; baseDelaySeconds: number };
  messages: {
    defaults: Record<SecurityFunction, boolean>;
    forced: SecurityFunction[];
    defaultExpiryDays: number | null;
    longestExpiryDays: number | null;
  };
  subjectInNotifications: boolean;
  sessions: { idleMinutes: number | null; absoluteHours: number | null };
  attachmentMaxMb: number | null;
  smartAlerts: { keywords: string[]; sendMode: "softBlock" | "block"; allowSendAnyway: boolean };
  /** F24: subjects with personal data or one of the keywords are warned about, forbidden, or not checked. */
  subjectRule: { mode: "warn" | "forbid" | "off"; keywords: string[] };
}

export type AdminPoliciesPatch = Partial<{
  zeroAccess: boolean;
  confirmZeroAccess: true;
  requireSecondFactor: boolean;
  lockout: Partial<AdminPolicies["lockout"]>;
  messages: Partial<AdminPolicies["messages"]>;
  subjectInNotifications: boolean;
  sessions: Partial<AdminPolicies["sessions"]>;
  attachmentMaxMb: number | null;
  smartAlerts: Partial<AdminPolicies["smartAlerts"]>;
  subjectRule: Partial<AdminPolicies["subjectRule"]>;
}>;

/** GET /api/admin/usage. */
export interface AdminUsage {
  organisation: { name: string; plan: "basic" | "professional" | "organisation" };
  monthStart: string;
  messagesThisMonth: number;
  topSenderThisMonth: number;
  monthlyQuotaPerSender: number | null;
  storageBytes: number;
  users: { active: number; invited: number; deactivated: number; admins: number };
  attachmentLimitBytes: number;
}

export const adminPolicyApi = {
  policies: () => api.get<AdminPolicies>("/api/admin/policies"),
  changePolicies: (patch: AdminPoliciesPatch) =>
    api.patch<{ policies: AdminPolicies; escrowCopiesDropped: number | null }>("/api/admin/policies", patch),
  usage: () => api.get<AdminUsage>("/api/admin/usage"),
};

export interface AdminAuditEvent {
  id: number;
  type: string;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  person: { id: string; name: string | null; email: string } | null;
  actor: { id: string; name: string | null; email: string } | null;
}

export interface AuditFilters {
  email?: string;
  type?: string;
  from?: string;
  to?: string;
}

export interface ChainStatus {
  intact: boolean;
  checked: number;
  reason: "hash_mismatch" | "broken_link" | "newest_events_missing" | null;
  brokenAt: { id: number; type: string | null; createdAt: string | null; inOrganisation: boolean } | null;
}

export const adminAuditApi = {
  events: (filters: AuditFilters, before?: number) =>
    api.get<{ events: AdminAuditEvent[]; nextBefore: number | null }>(
      `/api/admin/audit${query({ ...filters, before, limit: 50 })}`,
    ),
  types: () => api.get<{ types: string[] }>("/api/admin/audit/types"),
  verify: () => api.get<ChainStatus>("/api/admin/audit/verify"),
  /** The CSV export's address (a plain download link: the session cookie goes along). */
  exportUrl: (filters: AuditFilters) => `/api/admin/audit/export${query(filters)}`,
};

export type TemplateLocale = "sv" | "en";

/** One of the organisation's templates (GET /api/admin/templates). */
export interface AdminTemplate {
  id: string;
  name: string;
  body: string;
  locale: TemplateLocale;
  updatedAt: string;
}

export interface TemplateInput {
  name: string;
  body: string;
  locale: TemplateLocale;
}

export interface AdminTemplateList {
  templates: AdminTemplate[];
  /** True while the organisation has none: staff are then offered the built-in standard texts. */
  standardInUse: boolean;
  standard: TemplateInput[];
}

export const adminTemplateApi = {
  list: () => api.get<AdminTemplateList>("/api/admin/templates"),
  create: (input: TemplateInput) => api.post<AdminTemplate>("/api/admin/templates", input),
  change: (id: string, input: TemplateInput) =>
    api.put<AdminTemplate>(`/api/admin/templates/${encodeURIComponent(id)}`, input),
  remove: (id: string) => api.delete<unknown>(`/api/admin/templates/${encodeURIComponent(id)}`),
};

export type SignatureMode = "default" | "mandatory";

/** GET /api/admin/signature: the organisation signature, previewed for the signed-in admin. */
export interface AdminSignature {
  html: string;
  mode: SignatureMode;
  version: number;
  updatedAt: string | null;
  placeholders: string[];
  preview: { html: string; text: string };
}

export const adminSignatureApi = {
  get: () => api.get<AdminSignature>("/api/admin/signature"),
  save: (html: string, mode: SignatureMode) => api.put<AdminSignature>("/api/admin/signature", { html, mode }),
  preview: (html: string) => api.post<{ html: string; text: string }>("/api/admin/signature/preview", { html }),
};

/** An invitation in the admin console (GET /api/admin/invitations). */
export interface AdminInvitation {
  id: string;
  email: string;
  name: string | null;
  mobile: string;
  role: "admin" | "staff";
  status: "pending" | "accepted" | "declined" | "expired" | "revoked";
  existingAccount: boolean;
  invitedBy: { name: string | null; email: string } | null;
  createdAt: string;
  expiresAt: string;
  respondedAt: string | null;
}

/** One bad row of a CSV import (422 invitation_import_invalid). */
export interface ImportProblem {
  line: number;
  field: "file" | "email" | "mobile" | "role" | "name";
  reason: string;
}

/** GET /api/admin/invitations: a page, newest first. */
export interface AdminInvitationPage {
  invitations: AdminInvitation[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
  /** Invitations matching the status filter, on all pages. */
  total: number;
}

export interface AdminInvitationQuery {
  status?: AdminInvitation["status"];
  after?: string;
  limit?: number;
}

export const invitationApi = {
  list: (params: AdminInvitationQuery = {}) => api.get<AdminInvitationPage>(`/api/admin/invitations${query(params)}`),
  invite: (body: { email: string; mobile: string; name?: string; role: AdminInvitation["role"] }) =>
    api.post<{ invitation: AdminInvitation }>("/api/admin/invitations", body),
  importCsv: async (file: Uint8Array<ArrayBuffer>) => {
    const res = await api.send("POST", "/api/admin/invitations/import", {
      bytes: file,
      headers: { "Content-Type": "text/csv" },
    });
    return (await res.json()) as { invitations: AdminInvitation[] };
  },
  act: (id: string, action: "resend" | "revoke") =>
    api.post<{ invitation: AdminInvitation }>(`/api/admin/invitations/${encodeURIComponent(id)}/${action}`, {}),
};

/** A shared (function) mailbox in the admin console (F25). */
export interface AdminMailbox {
  id: string;
  name: string;
  email: string;
  keyVersion: number;
  members: Array<{
    userId: string;
    name: string | null;
    email: string;
    rights: { read: boolean; send: boolean; manage: boolean };
  }>;
  createdAt: string;
}

/** Shared mailboxes (/api/admin/mailboxes). */
export const adminMailboxApi = {
  list: async () => (await api.get<{ mailboxes: AdminMailbox[] }>("/api/admin/mailboxes")).mailboxes,
  create: (name: string, email: string) =>
    api.post<{ mailbox: AdminMailbox }>("/api/admin/mailboxes", { name, email, members: [] }),
  setMember: (id: string, userId: string, rights: { send: boolean; manage: boolean }) =>
    api.put<{ mailbox: AdminMailbox }>(
      `/api/admin/mailboxes/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`,
      rights,
    ),
  removeMember: (id: string, userId: string) =>
    api.delete<{ mailbox: AdminMailbox }>(
      `/api/admin/mailboxes/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`,
    ),
  rename: (id: string, name: string) =>
    api.patch<{ mailbox: AdminMailbox }>(`/api/admin/mailboxes/${encodeURIComponent(id)}`, { name }),
  /** Refused with 409 `mailbox_not_empty` (`messages`) while it holds messages, unless `withMessages`. */
  remove: (id: string, withMessages: boolean) =>
    api.delete<{ deleted: true; messages: number }>(
      `/api/admin/mailboxes/${encodeURIComponent(id)}${withMessages ? "?withMessages=true" : ""}`,
    ),
};

/** The Microsoft 365 directory connection (GET /api/admin/directory). */
export interface DirectoryStatus {
  configured: boolean;
  tenantId: string | null;
  groupId: string | null;
  lastImportAt: string | null;
}

/** What an Entra group would change (POST /api/admin/directory/preview). */
export interface DirectoryPreview {
  groupId: string;
  new: Array<{
    objectId: string;
    name: string | null;
    email: string | null;
    mobile: string | null;
    problem: "mail_missing" | "mobile_missing" | "mobile_invalid" | "user_exists" | "duplicate_mail" | null;
  }>;
  changed: Array<{
    objectId: string;
    userId: string;
    name: string | null;
    email: string;
    changes: Array<{ field: "name" | "mobile"; from: string | null; to: string }>;
  }>;
  gone: Array<{
    userId: string;
    name: string | null;
    email: string;
    role: string;
    invited: boolean;
    blocked: "self" | null;
  }>;
  unchanged: number;
}

export interface DirectoryApplyResult {
  invited: number;
  updated: number;
  deactivated: number;
  skipped: Array<{ id: string; reason: string }>;
}

export const directoryApi = {
  status: () => api.get<DirectoryStatus>("/api/admin/directory"),
  preview: (groupId: string) => api.post<DirectoryPreview>("/api/admin/directory/preview", { groupId }),
  apply: (body: { groupId: string; invite: string[]; update: string[]; deactivate: string[] }) =>
    api.post<DirectoryApplyResult>("/api/admin/directory/apply", body),
};

export type NotificationLocale = "sv" | "en";
export const notificationTextFields = ["senderName", "intro", "footer", "smsRecipientCode", "smsIdCheck"] as const;
export type NotificationTextField = (typeof notificationTextFields)[number];
export type NotificationTexts = Record<NotificationTextField, string | null>;

/** GET /api/admin/notification-texts: the organisation's texts (null = default), the defaults, the logo. */
export interface AdminNotificationTexts {
  texts: Record<NotificationLocale, NotificationTexts>;
  defaults: Record<NotificationLocale, Record<NotificationTextField, string>>;
  rules: Record<
    NotificationTextField,
    { maxLength: number; multiline: boolean; allowed: string[]; required: string[] }
  >;
  logo: { contentType: string; width: number; height: number; bytes: number; dataUrl: string } | null;
  logoLimits: { maxBytes: number; maxWidth: number; maxHeight: number; contentTypes: string[] };
}

export interface NotificationPreview {
  email: { subject: string; html: string; text: string; fromName: string };
  sms: { recipientCode: string; idCheck: string };
}

export const notificationTextsApi = {
  get: () => api.get<AdminNotificationTexts>("/api/admin/notification-texts"),
  save: (locale: NotificationLocale, texts: NotificationTexts) =>
    api.put<AdminNotificationTexts>(`/api/admin/notification-texts/${locale}`, texts),
  reset: (locale: NotificationLocale) => api.delete<AdminNotificationTexts>(`/api/admin/notification-texts/${locale}`),
  preview: (locale: NotificationLocale, texts: NotificationTexts) =>
    api.post<NotificationPreview>("/api/admin/notification-texts/preview", { locale, texts }),
  uploadLogo: async (bytes: Uint8Array<ArrayBuffer>, contentType: string) => {
    const res = await api.send("PUT", "/api/admin/notification-texts/logo", {
      bytes,
      headers: { "Content-Type": contentType },
    });
    return (await res.json()) as AdminNotificationTexts;
  },
  removeLogo: () => api.delete<AdminNotificationTexts>("/api/admin/notification-texts/logo"),
};
