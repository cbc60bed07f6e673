import { api } from "./client.js";

export interface Contact {
  id: string;
  email: string;
  name: string | null;
  mobile: string | null;
  /** The mobile number is proven by SMS: a safe contact. */
  verified: boolean;
  createdAt: string;
}

export const contactsApi = {
  list: (q?: string) => api.get<{ contacts: Contact[] }>(`/api/contacts${q ? `?q=${encodeURIComponent(q)}` : ""}`),
  create: (input: { email: string; name?: string | null; mobile?: string | null }) =>
    api.post<Contact>("/api/contacts", input),
  update: (id: string, input: { name?: string | null; mobile?: string | null }) =>
    api.patch<Contact>(`/api/contacts/${id}`, input),
  remove: (id: string) => api.delete<unknown>(`/api/contacts/${id}`),
};
