import { api } from "./client.js";

/** What the public invitation page shows (GET /api/invitation/{token}). */
export interface PublicInvitation {
  organisation: string;
  email: string;
  name: string | null;
  role: "admin" | "staff";
  mobile: string | null;
  existingAccount: boolean;
  expiresAt: string;
}

const base = (token: string) => `/api/invitation/${encodeURIComponent(token)}`;

/** The steps behind *Verify your account* in the invitation e-mail (F23). */
export const invitationJourneyApi = {
  view: (token: string) => api.get<PublicInvitation>(base(token)),
  decline: (token: string) => api.post<{ status: "declined" }>(`${base(token)}/decline`, {}),
  accept: (token: string) => api.post<{ next: "sms_code"; mobile: string | null }>(`${base(token)}/accept`, {}),
  verify: (token: string, code: string) =>
    api.post<{ next: "set_password" | "sign_in" }>(`${base(token)}/verify`, { code }),
  complete: (token: string, password: string, acceptTerms: boolean) =>
    api.post<{ next: "done" }>(`${base(token)}/complete`, { password, acceptTerms }),
  wrongNumber: (token: string) => api.post<{ notified: true }>(`${base(token)}/wrong-number`, {}),
};
