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
