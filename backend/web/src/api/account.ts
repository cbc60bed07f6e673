import { api, apiErrorFromAnswer, apiRequest, networkError, readCookie } from "./client.js";
import type { SecondFactorMethod } from "./auth.js";

/** GET/PATCH /api/account (F20). */
export interface Account {
  id: string;
  email: string;
  name: string | null;
  mobile: string | null;
  plan: string;
  role: string;
  locale: "sv" | "en";
  organisation: { id: string; name: string } | null;
  neutralNotifications: boolean;
  signature: string | null;
  /** Job title: the organisation signature's {title}. */
  title: string | null;
  autoReply: { enabled: boolean; text: string | null; from: string | null; to: string | null };
  createdAt: string;
}

export type AccountPatch = Partial<{
  name: string | null;
  locale: "sv" | "en";
  neutralNotifications: boolean;
  signature: string | null;
  title: string | null;
  autoReply: Partial<Account["autoReply"]>;
}>;

export interface TwoFactorStatus {
  enabled: boolean;
  totp: { enabled: boolean; enabledAt: string | null; enrolmentPending: boolean };
  /** Factors usable now to confirm a change. */
  methods: SecondFactorMethod[];
  backupCodesRemaining: number;
  /** The primary mobile, masked. */
  mobile: string;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  qrDataUrl: string;
}

export interface Phone {
  id: string;
  number: string;
  country: string;
  callingCode: string;
  name: string;
  verified: boolean;
  primary: boolean;
  createdAt: string;
}

export interface SessionInfo {
  id: string;
  current: boolean;
  stage: "partial" | "full";
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface AuditEventInfo {
  id: number;
  type: string;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/** A second factor confirming a sensitive change. */
export interface Confirmation {
  method: SecondFactorMethod;
  code: string;
}

export type SmsPurpose = "totp_enable" | "backup_codes" | "confirm";

/** What confirms an export: a second factor, or the password for a user without one. */
export type ExportConfirmation = Confirmation | { password: string };

/**
 * POST /api/account/export (F21, issue 13): a session action confirmed each time. Resolves with
 * the zip archive and the server's file name; rejects with ApiError like the other calls.
 */
export async function downloadExport(confirmation: ExportConfirmation): Promise<{ blob: Blob; fileName: string }> {
  let res: Response;
  try {
    res = await fetch("/api/account/export", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": readCookie("kuvert_csrf") ?? "" },
      body: JSON.stringify(confirmation),
    });
  } catch {
    throw networkError();
  }
  if (!res.ok) throw apiErrorFromAnswer(res.status, await res.text(), res.headers.get("Retry-After"));
  const fileName = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "kuvert-export.zip";
  return { blob: await res.blob(), fileName };
}

export const accountApi = {
  get: () => api.get<Account>("/api/account"),
  update: (patch: AccountPatch) => api.patch<Account>("/api/account", patch),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<{ otherSessionsRevoked: number }>("/api/account/password", { currentPassword, newPassword }),
  deleteAccount: (password: string, confirmation: Confirmation) =>
    apiRequest<null>("DELETE", "/api/account", { password, ...confirmation }),

  twoFactor: () => api.get<TwoFactorStatus>("/api/account/2fa"),
  sendSmsCode: (purpose: SmsPurpose) => api.post<{ sent: true; to: string }>("/api/account/2fa/sms-code", { purpose }),
  startTotp: (smsCode: string) => api.post<TotpEnrolment>("/api/account/2fa/totp/start", { smsCode }),
  confirmTotp: (code: string) => api.post<{ enabled: true }>("/api/account/2fa/totp/confirm", { code }),
  disableTotp: (confirmation: Confirmation) =>
    api.post<{ enabled: false }>("/api/account/2fa/totp/disable", confirmation),
  generateBackupCodes: (smsCode: string) => api.post<{ codes: string[] }>("/api/account/backup-codes", { smsCode }),

  phones: () => api.get<{ phones: Phone[] }>("/api/account/phones"),
  addPhone: (phone: { mobile: string; country?: string; name: string }, confirmation: Confirmation) =>
    api.post<{ phone: Phone }>("/api/account/phones", { ...phone, ...confirmation }),
  sendPhoneCode: (id: string) =>
    api.post<{ sent: true; to: string }>(`/api/account/phones/${encodeURIComponent(id)}/send-code`),
  verifyPhone: (id: string, code: string) =>
    api.post<{ phone: Phone }>(`/api/account/phones/${encodeURIComponent(id)}/verify`, { code }),
  makePrimary: (id: string) => api.post<{ phone: Phone }>(`/api/account/phones/${encodeURIComponent(id)}/primary`),
  removePhone: (id: string, confirmation: Confirmation) =>
    apiRequest<null>("DELETE", `/api/account/phones/${encodeURIComponent(id)}`, confirmation),

  sessions: () => api.get<{ sessions: SessionInfo[] }>("/api/account/sessions"),
  revokeSession: (id: string) => api.delete<null>(`/api/account/sessions/${encodeURIComponent(id)}`),
  revokeAllSessions: () => api.post<{ revoked: number; tokensRevoked: number }>("/api/account/sessions/revoke-all"),

  audit: (before?: number, limit = 25) =>
    api.get<{ events: AuditEventInfo[]; nextBefore: number | null }>(
      `/api/account/audit?limit=${limit}${before ? `&before=${before}` : ""}`,
    ),
};
