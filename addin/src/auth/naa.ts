/**
 * Nested app authentication (NAA): the add-in asks its Outlook host, through MSAL.js
 * (`@azure/msal-browser`, `createNestablePublicClientApplication`), for an Entra access token
 * for its own API, `api://<add-in host>/<client id>/access_as_user`. Microsoft recommends NAA
 * over legacy Office SSO (`Office.auth.getAccessToken`); addin/src/auth/signIn.ts tries this
 * first, then legacy SSO, then the Kuvert sign-in dialog.
 *
 * The server says whether Microsoft sign-in is on and for which app registration
 * (GET /api/auth/microsoft/config), so one add-in build serves every deployment.
 *
 * This is the only module that imports MSAL, and only through `msalAdapter` (thin, replaceable
 * in tests that do not run a browser). The Outlook host is asked through the OfficeAdapter:
 * NAA is used only where the host supports the `NestedAppAuth` 1.1 requirement set AND MSAL
 * finds the host's bridge (otherwise MSAL would fall back to its own browser pop-ups, which the
 * task pane does not want: legacy SSO and the dialog come next instead).
 */
import {
  createNestablePublicClientApplication,
  PublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import { createApiClient } from "#shared/api/client.js";
import type { OfficeAdapter } from "../office/adapter.js";

/** What the server tells the add-in about its Entra app registration. */
export interface NaaSettings {
  clientId: string;
  /** The API scope to ask for, `api://<host>/<client id>/access_as_user`. */
  scope: string;
  /** e.g. https://login.microsoftonline.com/common */
  authority: string;
}

/** The user closed or refused Microsoft's prompt: stop, do not fall back. */
export class NaaCancelled extends Error {
  constructor() {
    super("Microsoft sign-in was cancelled");
    this.name = "NaaCancelled";
  }
}

/** A token client of the host; null from `msalAdapter` when the host has no NAA bridge. */
export interface NaaClient {
  /** Silently, from the host's signed-in account; throws `interaction` when a prompt is needed. */
  silent(scope: string): Promise<string>;
  /** With the host's prompt (consent, MFA, sign-in). */
  interactive(scope: string): Promise<string>;
}

export type NaaClientFactory = (settings: NaaSettings) => Promise<NaaClient | null>;

function isCancel(err: unknown): boolean {
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return code === "user_cancelled" || code === "user_canceled";
}

/** The real MSAL.js: a nested public client, or null when MSAL found no NAA bridge. */
export const msalAdapter: NaaClientFactory = async (settings) => {
  let nested = false;
  const pca: IPublicClientApplication = await createNestablePublicClientApplication(
    {
      auth: { clientId: settings.clientId, authority: settings.authority },
      // The host keeps the tokens; nothing of them in the pane's storage.
      cache: { cacheLocation: "memoryStorage" },
    },
    undefined,
    (configuration, controller) => {
      nested = true;
      return new PublicClientApplication(configuration, controller);
    },
  );
  if (!nested) return null;
  return {
    silent: async (scope) => (await pca.acquireTokenSilent({ scopes: [scope] })).accessToken,
    interactive: async (scope) => (await pca.acquireTokenPopup({ scopes: [scope] })).accessToken,
  };
};

export interface NaaDeps {
  office: OfficeAdapter;
  apiBase: string;
  fetch: typeof fetch;
  /** Default: the real MSAL.js (`msalAdapter`). */
  client?: NaaClientFactory;
}

/** The server's Microsoft sign-in settings, or null when it is off (404) or unreachable. */
async function settingsFrom(deps: NaaDeps): Promise<NaaSettings | null> {
  try {
    const s = await createApiClient({ base: deps.apiBase, fetch: deps.fetch }).get<Partial<NaaSettings>>(
      "/api/auth/microsoft/config",
    );
    if (typeof s?.clientId !== "string" || typeof s.scope !== "string" || typeof s.authority !== "string") return null;
    return { clientId: s.clientId, scope: s.scope, authority: s.authority };
  } catch {
    return null; // 404 microsoft_sign_in_disabled, or the server did not answer
  }
}

/**
 * An Entra access token for the add-in's API through nested app authentication; null where
 * NAA is not possible (host without NestedAppAuth 1.1 or bridge, Microsoft sign-in off,
 * another MSAL failure), so the caller falls back. Throws `NaaCancelled` when the user
 * cancels Microsoft's prompt.
 */
export async function naaAccessToken(deps: NaaDeps): Promise<string | null> {
  if (!deps.office.isSetSupported("NestedAppAuth", "1.1")) return null;
  const settings = await settingsFrom(deps);
  if (!settings) return null;
  let client: NaaClient | null;
  try {
    client = await (deps.client ?? msalAdapter)(settings);
  } catch {
    return null;
  }
  if (!client) return null;
  try {
    return await client.silent(settings.scope);
  } catch (err) {
    if (isCancel(err)) throw new NaaCancelled();
    if (!(err instanceof InteractionRequiredAuthError) && !isInteractionRequired(err)) return null;
  }
  try {
    return await client.interactive(settings.scope);
  } catch (err) {
    if (isCancel(err)) throw new NaaCancelled();
    return null;
  }
}

/** MSAL's "needs a prompt" errors, also when they cross a bundle boundary (no instanceof). */
function isInteractionRequired(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "InteractionRequiredAuthError";
}
