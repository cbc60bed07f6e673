import { api, ApiError } from "./client.js";

export type SecondFactorMethod = "totp" | "sms" | "backup_code";

export type LoginResult = { next: "done" } | { next: "second_factor"; methods: SecondFactorMethod[] };

/** The signed-in user as the web app needs it (GET /api/auth/me). */
export interface CurrentUser {
  id: string;
  email: string;
  name: string | null;
  role: string;
  organisation: { id: string; name: string } | null;
  plan: string;
  locale: string;
  /** "partial" while a second factor is still due. */
  stage: "partial" | "full";
}

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
  /** The session's user at any stage (partial during sign-in), or null without a session. */
  async session(): Promise<CurrentUser | null> {
    try {
      return await api.get<CurrentUser>("/api/auth/me");
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
      throw err;
    }
  },
  /** The signed-in user, or null when there is no session (or only a partial one). */
  async me(): Promise<CurrentUser | null> {
    const user = await authApi.session();
    return user?.stage === "full" ? user : null;
  },
};
