/**
 * The task pane's configuration of the shared API client (shared/api/client.ts): the Kuvert
 * server, the pane's bearer token and the one `ApiError` (a network failure is
 * `network_error` with status 0).
 */
import {
  apiErrorFromAnswer,
  createApiClient,
  networkError,
  type ApiClient,
  type HttpMethod,
} from "#shared/api/client.js";

export { ApiError, type ApiErrorId } from "#shared/api/client.js";

export interface KuvertApi {
  /** The Kuvert server, e.g. https://kuvert.example.se (no trailing slash). */
  base: string;
  token: string;
  fetch: typeof fetch;
}

/** The shared client for this server and token. */
export function clientFor(api: KuvertApi): ApiClient {
  return createApiClient({ base: api.base, token: api.token, fetch: api.fetch });
}

/** Sends a request; resolves with the 2xx Response and throws ApiError for anything else. */
export function apiRequest(api: KuvertApi, method: HttpMethod, path: string, body?: unknown): Promise<Response> {
  return clientFor(api).send(method, path, body === undefined ? {} : { json: body });
}

/** Sends a request and resolves with its parsed JSON answer. */
export function apiJson<T>(api: KuvertApi, method: HttpMethod, path: string, body?: unknown): Promise<T> {
  return clientFor(api).request<T>(method, path, body);
}

/** The error of an upload the user cancelled (`signal` aborted). */
export function abortError(): DOMException {
  return new DOMException("The upload was cancelled", "AbortError");
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

/**
 * PUT of raw bytes with upload progress (fetch has none): XMLHttpRequest where the page has it,
 * otherwise fetch with one progress call at the end. `signal` aborts it (AbortError).
 */
export async function apiUpload(
  api: KuvertApi,
  path: string,
  data: Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const client = clientFor(api);
  if (signal?.aborted) throw abortError();
  if (typeof XMLHttpRequest === "undefined") {
    await client.send("PUT", path, { bytes: data, headers });
    if (signal?.aborted) throw abortError();
    onProgress(data.length, data.length);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener("abort", onAbort);
    xhr.onabort = () => reject(abortError());
    xhr.open("PUT", client.url(path));
    for (const [k, v] of Object.entries({ ...client.authHeaders("PUT"), ...headers })) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : data.length);
    xhr.onerror = () => reject(networkError());
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(apiErrorFromAnswer(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
        return;
      }
      onProgress(data.length, data.length);
      resolve();
    };
    xhr.send(data);
  });
}
