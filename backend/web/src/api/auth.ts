import { api } from "./client.js";

export type SecondFactorMethod = "totp" | "sms" | "backup_code";

export type LoginResult =
  { next: "done" } | { next: "second_factor"; methods: SecondFactorMethod[] } | { next: "second_factor_setup" };

/** The signed-in user as the web app needs it (GET /api/auth/me). */
export interface CurrentUser {
  id: string;
  email: string;
  name: string | null;
  role: string;
  organisation: { id: string; name: string } | null;
  plan: string;
  locale: string;
  /** "partial" while a second factor is still due; "setup" while one the organisation requires is turned on. */
  stage: "partial" | "setup" | "full";
}

/** Where this browser stands (GET /api/auth/session): always 200, also when signed out. */
export type SessionState =
  | { state: "signed_out" }
  | { state: "second_factor"; user: CurrentUser; methods: SecondFactorMethod[] }
  | { state: "second_factor_setup"; user: CurrentUser }
  | { state: "signed_in"; user: CurrentUser };

export const authApi = {
  login: (email: string, password: string) => api.post<LoginResult>("/api/auth/login", { email, password }),
  secondFactor: (method: SecondFactorMethod, code: string) =>
    api.post<unknown>("/api/auth/second-factor", { method, code }),
  sendLoginSms: () => api.post<unknown>("/api/auth/second-factor/sms", {}),
  requestPasswordReset: (email: string) => api.post<unknown>("/api/auth/password-reset", { email }),
  confirmPasswordReset: (email: string, code: string, password: string) =>
    api.post<unknown>("/api/auth/password-reset/confirm", { email, code, password }),
  recover: (method: "sms" | "backup_code", code: string) => api.post<unknown>("/api/auth/recovery", { method, code }),
  logout: () => api.post<unknown>("/api/auth/logout", {}),
  sessionState: () => api.get<SessionState>("/api/auth/session"),
  /** The session's user at any stage (partial during sign-in), or null without a session. */
  async session(): Promise<CurrentUser | null> {
    const current = await authApi.sessionState();
    return current.state === "signed_out" ? null : current.user;
  },
  /** The signed-in user, or null when there is no session (or only a partial one). */
  async me(): Promise<CurrentUser | null> {
    const user = await authApi.session();
    return user?.stage === "full" ? user : null;
  },
};
