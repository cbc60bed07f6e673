/**
 * Reads an organisation's Microsoft 365 directory (Entra ID) for the directory import (issue 10):
 *
 * - an app-only access token for Microsoft Graph through the OAuth 2.0 client-credentials flow,
 *   taken with `@azure/msal-node`'s ConfidentialClientApplication at the organisation's tenant
 *   (`{ENTRA_AUTHORITY_URL}/{tenant id}`) with the operator's app registration
 *   (ENTRA_DIRECTORY_CLIENT_ID and a client secret or a certificate). MSAL keeps the token in
 *   its in-memory cache until shortly before it expires;
 * - the members of one group: `GET {GRAPH_BASE_URL}/groups/{id}/members?$select=…`, following
 *   `@odata.nextLink` (only to the same origin as GRAPH_BASE_URL: the bearer token never goes
 *   anywhere else). Members that are not users (groups, devices, service principals) are left out.
 *   Graph throttling (429, or 503/504) is waited out as its Retry-After says, a few times and
 *   never longer than a bounded total; then the import gives up with `directory_throttled`.
 *
 * Failures become AppErrors the admin page can explain (`directory_auth_failed` for a refused
 * credential, `directory_permission_denied` without admin consent, …). Neither the secret nor a
 * token is ever logged.
 */
import fs from "node:fs";
import crypto from "node:crypto";
import { ConfidentialClientApplication, type Configuration, type INetworkModule } from "@azure/msal-node";
import { env, type Env } from "../../env.js";
import { appError } from "../../errors.js";
import { logger } from "../../logger.js";

export interface DirectoryMember {
  /** Entra object id (lower case). */
  objectId: string;
  displayName: string | null;
  mail: string | null;
  mobilePhone: string | null;
}

/** Most members one import reads (one group). */
export const DIRECTORY_MAX_MEMBERS = 5000;
/** Retries of one Graph request after throttling, and the longest single wait. */
const MAX_RETRIES = 3;
const MAX_WAIT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Whether the operator has set up the directory app registration at all. */
export function directoryConfigured(e: Env = env()): boolean {
  return Boolean(e.ENTRA_DIRECTORY_CLIENT_ID && (e.ENTRA_DIRECTORY_CLIENT_SECRET || e.ENTRA_DIRECTORY_CERT_FILE));
}

/**
 * Test seam: the network module MSAL uses (its documented `system.networkClient` option). Tests
 * point it at an HTTPS client that trusts their own CA; production leaves MSAL's own.
 */
let networkClient: INetworkModule | undefined;
export function setDirectoryNetworkClient(client: INetworkModule | undefined): void {
  networkClient = client;
  apps.clear();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const apps = new Map<string, ConfidentialClientApplication>();

function credential(e: Env): Pick<NonNullable<Configuration["auth"]>, "clientSecret" | "clientCertificate"> {
  if (e.ENTRA_DIRECTORY_CLIENT_SECRET) return { clientSecret: e.ENTRA_DIRECTORY_CLIENT_SECRET };
  const pem = fs.readFileSync(e.ENTRA_DIRECTORY_CERT_FILE!, "utf8");
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const keyPem = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!certPem || !keyPem)
    throw appError("directory_auth_failed", "ENTRA_DIRECTORY_CERT_FILE needs a certificate and its private key");
  const thumbprintSha256 = crypto.createHash("sha256").update(new crypto.X509Certificate(certPem).raw).digest("hex");
  const privateKey = crypto.createPrivateKey(keyPem).export({ format: "pem", type: "pkcs8" }).toString();
  return { clientCertificate: { thumbprintSha256, privateKey, x5c: certPem } };
}

function appFor(e: Env, tenantId: string): ConfidentialClientApplication {
  const authorityUrl = e.ENTRA_AUTHORITY_URL.replace(/\/$/, "");
  const secretMark = crypto
    .createHash("sha256")
    .update(e.ENTRA_DIRECTORY_CLIENT_SECRET ?? e.ENTRA_DIRECTORY_CERT_FILE ?? "")
    .digest("hex");
  const key = [authorityUrl, tenantId, e.ENTRA_DIRECTORY_CLIENT_ID, secretMark].join(" ");
  let app = apps.get(key);
  if (!app) {
    app = new ConfidentialClientApplication({
      auth: {
        clientId: e.ENTRA_DIRECTORY_CLIENT_ID!,
        authority: `${authorityUrl}/${tenantId}`,
        // The authority host is the configured cloud: no instance discovery round trip.
        knownAuthorities: [new URL(authorityUrl).host],
        ...credential(e),
      },
      system: { ...(networkClient ? { networkClient } : {}) },
    });
    apps.set(key, app);
  }
  return app;
}

/** The Graph resource's scope for an app-only token: `{origin}/.default`. */
export function graphScope(e: Env = env()): string {
  return `${new URL(e.GRAPH_BASE_URL).origin}/.default`;
}

async function appToken(e: Env, tenantId: string): Promise<string> {
  try {
    const result = await appFor(e, tenantId).acquireTokenByClientCredential({ scopes: [graphScope(e)] });
    if (!result?.accessToken) throw new Error("no access token");
    return result.accessToken;
  } catch (err) {
    const error = err as { errorCode?: string; name?: string };
    // No secret, token or message body in the log: MSAL's error code says enough.
    logger.warn({ errorCode: error.errorCode ?? error.name ?? "unknown", tenantId }, "directory token refused");
    throw appError("directory_auth_failed");
  }
}

function retryAfterMs(res: Response, attempt: number): number {
  const header = res.headers.get("retry-after");
  const seconds = header && /^\d+$/.test(header.trim()) ? Number(header) : null;
  const dateMs = header && seconds === null ? Date.parse(header) - Date.now() : NaN;
  const ms = seconds !== null ? seconds * 1000 : Number.isFinite(dateMs) ? dateMs : 2 ** attempt * 1000;
  return Math.min(Math.max(ms, 0), MAX_WAIT_MS);
}

async function graphGet(url: string, token: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: "error",
      });
    } catch {
      throw appError("directory_unavailable");
    }
    if (res.status === 429 || res.status === 503 || res.status === 504) {
      await res.body?.cancel();
      if (attempt >= MAX_RETRIES) throw appError("directory_throttled");
      await sleep(retryAfterMs(res, attempt));
      continue;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw appError("directory_permission_denied");
    }
    if (res.status === 404 || res.status === 400) {
      await res.body?.cancel();
      throw appError("directory_group_not_found");
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw appError("directory_unavailable");
    }
    try {
      return (await res.json()) as Record<string, unknown>;
    } catch {
      throw appError("directory_unavailable");
    }
  }
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/**
 * The users in an Entra group of the tenant (direct members), each once. Throws
 * `directory_auth_failed`, `directory_permission_denied`, `directory_group_not_found`,
 * `directory_throttled`, `directory_unavailable` or `directory_too_large`.
 */
export async function readGroupMembers(tenantId: string, groupId: string, e: Env = env()): Promise<DirectoryMember[]> {
  if (!directoryConfigured(e)) throw appError("directory_not_configured");
  const token = await appToken(e, tenantId);
  const base = e.GRAPH_BASE_URL.replace(/\/$/, "");
  const origin = new URL(base).origin;
  const members = new Map<string, DirectoryMember>();
  let next: string | null =
    `${base}/groups/${encodeURIComponent(groupId)}/members?$select=id,displayName,mail,mobilePhone&$top=999`;
  for (let page = 0; next; page++) {
    if (page > DIRECTORY_MAX_MEMBERS) throw appError("directory_unavailable");
    const body = await graphGet(next, token);
    const value = Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : null;
    if (!value) throw appError("directory_unavailable");
    for (const m of value) {
      const type = str(m["@odata.type"]);
      const id = str(m.id)?.toLowerCase();
      if ((type && type !== "#microsoft.graph.user") || !id || !/^[0-9a-f-]{36}$/.test(id)) continue;
      members.set(id, {
        objectId: id,
        displayName: str(m.displayName),
        mail: str(m.mail),
        mobilePhone: str(m.mobilePhone),
      });
      if (members.size > DIRECTORY_MAX_MEMBERS) throw appError("directory_too_large");
    }
    const link = str(body["@odata.nextLink"]);
    if (link && new URL(link).origin !== origin) throw appError("directory_unavailable");
    next = link;
  }
  const list = [...members.values()];
  // Without User.Read.All, Graph still lists the members but with only their id ("limited
  // information returned for inaccessible member objects"): say so instead of a list of nobodies.
  if (list.length > 0 && list.every((m) => !m.displayName && !m.mail && !m.mobilePhone))
    throw appError("directory_permission_denied");
  return list;
}
