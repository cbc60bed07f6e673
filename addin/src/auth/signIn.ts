/**
 * Signing the add-in in to Kuvert: first Microsoft — an Entra access token for the add-in's API
 * through nested app authentication (./naa.ts), or where NAA is not supported through legacy
 * Office SSO — → POST /api/auth/microsoft → a revocable Kuvert API token; where that is not
 * possible (no NAA nor SSO in this Outlook, the organisation is not connected to Microsoft,
 * Microsoft sign-in is off on the server, the account is bound to another Microsoft account,
 * Kuvert's two-step verification is required), the
 * Kuvert sign-in page in an Office dialog (password and second factor), which posts
 * `{"token": "kvt_…"}` back with Office.context.ui.messageParent. Either way the token is
 * checked with GET /api/auth/me before it is used.
 */
import { ApiError, createApiClient } from "#shared/api/client.js";
import { OfficeApiError, type OfficeAdapter } from "../office/adapter.js";
import { NaaCancelled, naaAccessToken, type NaaClientFactory } from "./naa.js";

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
  /** MSAL for nested app authentication; default the real @azure/msal-browser (naa.ts). */
  naaClient?: NaaClientFactory;
}

/** Office SSO: the user closed or refused the Microsoft prompt. */
const ssoAborted = 13002;

/** The user a bearer token belongs to, or null when the server does not accept it. */
async function whoAmI(deps: SignInDeps, token: string): Promise<SignedInUser | null> {
  let b: Record<string, unknown>;
  try {
    b =
      (await createApiClient({ base: deps.apiBase, token, fetch: deps.fetch }).get<Record<string, unknown>>(
        "/api/auth/me",
      )) ?? {};
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw new SignInError("unavailable", err instanceof Error ? err.message : "Kuvert did not answer");
  }
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

/** A Microsoft token for the API: NAA first, then legacy Office SSO; null when neither gives one. */
async function microsoftToken(deps: SignInDeps): Promise<string | null> {
  try {
    const naa = await naaAccessToken({ ...deps, client: deps.naaClient });
    if (naa) return naa;
  } catch (err) {
    if (err instanceof NaaCancelled) throw new SignInError("cancelled", err.message);
    throw err;
  }
  try {
    return await deps.office.getSsoToken();
  } catch (err) {
    if (err instanceof OfficeApiError && err.code === ssoAborted)
      throw new SignInError("cancelled", "Microsoft sign-in was cancelled");
    return null; // no SSO here, not signed in to Office, consent missing, …
  }
}

/** Microsoft first; null means "use the Kuvert sign-in instead". */
async function viaMicrosoft(deps: SignInDeps): Promise<SignInResult | null> {
  const ssoToken = await microsoftToken(deps);
  if (ssoToken === null) return null;
  let body: { token?: unknown } | null;
  try {
    body = await createApiClient({ base: deps.apiBase, fetch: deps.fetch }).post<{ token?: unknown }>(
      "/api/auth/microsoft",
      { token: ssoToken },
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // Not connected / unknown account / Kuvert 2FA required (401), bound to another Microsoft
    // account (403), Microsoft sign-in off (404): the Kuvert sign-in in the dialog instead.
    if (err.status === 401 || err.status === 403 || err.status === 404) return null;
    throw new SignInError(err.status === 423 ? "failed" : "unavailable", err.message);
  }
  if (typeof body?.token !== "string") throw new SignInError("unavailable", "Kuvert sent an unexpected answer");
  const user = await whoAmI(deps, body.token);
  if (!user) throw new SignInError("failed", "Kuvert did not accept its own token");
  return { token: body.token, user, via: "microsoft" };
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
