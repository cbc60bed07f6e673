/**
 * The task pane's client for the Kuvert API: bearer token, JSON, and one error type. A network
 * failure (offline, server down) becomes `ApiError` with status 0 and code "offline".
 */
export interface KuvertApi {
  /** The Kuvert server, e.g. https://kuvert.example.se (no trailing slash). */
  base: string;
  token: string;
  fetch: typeof fetch;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members of the error answer, e.g. `recipients` of 422 mobile_required. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // not JSON
  }
  // The error middleware spreads an error's details beside `error` and `message`.
  const { error, message, ...details } = body;
  return new ApiError(
    res.status,
    typeof error === "string" ? error : `http_${res.status}`,
    typeof message === "string" ? message : `HTTP ${res.status}`,
    details,
  );
}

/** Sends a request; throws ApiError for anything but 2xx. */
export async function apiRequest(api: KuvertApi, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${api.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await api.fetch(`${api.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "offline", "No connection to Kuvert");
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function apiJson<T>(api: KuvertApi, method: string, path: string, body?: unknown): Promise<T> {
  const res = await apiRequest(api, method, path, body);
  return (await res.json()) as T;
}

/**
 * PUT of raw bytes with upload progress (fetch has none): XMLHttpRequest where the page has it,
 * otherwise fetch with one progress call at the end.
 */
export function apiUpload(
  api: KuvertApi,
  path: string,
  data: Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
): Promise<void> {
  if (typeof XMLHttpRequest === "undefined") {
    return apiRequestRaw(api, path, data, headers).then(() => onProgress(data.length, data.length));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `${api.base}${path}`);
    xhr.setRequestHeader("Authorization", `Bearer ${api.token}`);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : data.length);
    xhr.onerror = () => reject(new ApiError(0, "offline", "No connection to Kuvert"));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(data.length, data.length);
        resolve();
        return;
      }
      let body: { error?: unknown; message?: unknown } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON
      }
      reject(
        new ApiError(
          xhr.status,
          typeof body.error === "string" ? body.error : `http_${xhr.status}`,
          typeof body.message === "string" ? body.message : `HTTP ${xhr.status}`,
        ),
      );
    };
    xhr.send(data);
  });
}

async function apiRequestRaw(
  api: KuvertApi,
  path: string,
  data: Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
): Promise<void> {
  let res: Response;
  try {
    res = await api.fetch(`${api.base}${path}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${api.token}`, ...headers },
      body: data,
    });
  } catch {
    throw new ApiError(0, "offline", "No connection to Kuvert");
  }
  if (!res.ok) throw await errorOf(res);
}
