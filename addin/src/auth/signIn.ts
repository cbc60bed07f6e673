/**
 * Signing the add-in in to Kuvert: first Microsoft (Office SSO token → POST /api/auth/microsoft
 * → a revocable Kuvert API token); where that is not possible (no SSO in this Outlook, the
 * organisation is not connected to Microsoft, Microsoft sign-in is off on the server), the
 * Kuvert sign-in page in an Office dialog (password and second factor), which posts
 * `{"token": "kvt_…"}` back with Office.context.ui.messageParent. Either way the token is
 * checked with GET /api/auth/me before it is used.
 */
import { OfficeApiError, type OfficeAdapter } from "../office/adapter.js";

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  role: string;
  organisation: { id: string; name: string } | null;
}

export interface SignInResult {
  token: string;
  user: SignedInUser;
  via: "microsoft" | "kuvert";
}

export type SignInFailure = "cancelled" | "unavailable" | "failed";

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
    this.name = "SignInError";
  }
}

export interface SignInDeps {
  office: OfficeAdapter;
  /** The Kuvert server, e.g. https://kuvert.example.se (no trailing slash). */
  apiBase: string;
  fetch: typeof fetch;
  /** The Kuvert sign-in page for the dialog; default `${apiBase}/addin/signin.html`. */
  dialogUrl?: string;
}

/** Office SSO: the user closed or refused the Microsoft prompt. */
const ssoAborted = 13002;

async function json(res: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The user a bearer token belongs to, or null when the server does not accept it. */
async function whoAmI(deps: SignInDeps, token: string): Promise<SignedInUser | null> {
  const res = await deps.fetch(`${deps.apiBase}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 401) return null;
  if (!res.ok) throw new SignInError("unavailable", `Kuvert answered ${res.status}`);
  const b = await json(res);
  if (typeof b.id !== "string" || typeof b.email !== "string")
    throw new SignInError("failed", "Kuvert sent an unexpected answer");
  const org = b.organisation as { id?: unknown; name?: unknown } | null | undefined;
  return {
    id: b.id,
    email: b.email,
    name: typeof b.name === "string" ? b.name : null,
    role: typeof b.role === "string" ? b.role : "staff",
    organisation:
      org && typeof org.id === "string" && typeof org.name === "string" ? { id: org.id, name: org.name } : null,
  };
}

/** Microsoft first; null means "use the Kuvert sign-in instead". */
async function viaMicrosoft(deps: SignInDeps): Promise<SignInResult | null> {
  let ssoToken: string;
  try {
    ssoToken = await deps.office.getSsoToken();
  } catch (err) {
    if (err instanceof OfficeApiError && err.code === ssoAborted)
      throw new SignInError("cancelled", "Microsoft sign-in was cancelled");
    return null; // no SSO here, not signed in to Office, consent missing, …
  }
  const res = await deps.fetch(`${deps.apiBase}/api/auth/microsoft`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: ssoToken }),
  });
  const body = await json(res);
  if (res.ok && typeof body.token === "string") {
    const user = await whoAmI(deps, body.token);
    if (!user) throw new SignInError("failed", "Kuvert did not accept its own token");
    return { token: body.token, user, via: "microsoft" };
  }
  if (res.status === 401 || res.status === 404) return null; // not connected / unknown account / Microsoft sign-in off
  if (res.status === 423)
    throw new SignInError("failed", typeof body.message === "string" ? body.message : "The account is locked");
  throw new SignInError(
    "unavailable",
    typeof body.message === "string" ? body.message : `Kuvert answered ${res.status}`,
  );
}

async function viaDialog(deps: SignInDeps): Promise<SignInResult> {
  let message: string;
  try {
    const dialog = await deps.office.openDialog(deps.dialogUrl ?? `${deps.apiBase}/addin/signin.html`, {
      width: 30,
      height: 60,
    });
    try {
      message = await dialog.nextMessage();
    } finally {
      dialog.close();
    }
  } catch (err) {
    if (err instanceof OfficeApiError && err.code === 12006)
      throw new SignInError("cancelled", "The sign-in window was closed");
    throw new SignInError("unavailable", err instanceof Error ? err.message : "The sign-in window could not open");
  }
  let token: unknown;
  try {
    token = (JSON.parse(message) as { token?: unknown }).token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || !token) throw new SignInError("failed", "The sign-in window sent no token");
  const user = await whoAmI(deps, token);
  if (!user) throw new SignInError("failed", "The sign-in was not accepted");
  return { token, user, via: "kuvert" };
}

/** Signs in with Microsoft if possible, otherwise with Kuvert in a dialog. */
export async function signIn(deps: SignInDeps): Promise<SignInResult> {
  return (await viaMicrosoft(deps)) ?? viaDialog(deps);
}
