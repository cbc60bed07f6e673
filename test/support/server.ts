import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../backend/src/app.js";
import { createHttpServer } from "../../backend/src/httpServer.js";

let server: http.Server | undefined;
let baseUrl: string | undefined;

/** The real Koa app on an ephemeral port (one per test process), on the test database. */
export async function getTestServer(): Promise<string> {
  if (baseUrl) return baseUrl;
  server = createHttpServer(createApp());
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return baseUrl;
}

export async function stopTestServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  baseUrl = undefined;
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small HTTP client for API tests with a cookie jar and CSRF double-submit handling. */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  bearer: string | undefined;

  constructor(readonly baseUrl: string) {}

  static async create(): Promise<ApiClient> {
    return new ApiClient(await getTestServer());
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    // `__Host-kuvert_csrf` when the app runs as production (services/sessions.ts).
    const csrf = this.cookies.get("kuvert_csrf") ?? this.cookies.get("__Host-kuvert_csrf");
    if (csrf && method !== "GET" && method !== "HEAD") h["X-CSRF-Token"] ??= csrf;
    if (this.bearer) h.Authorization ??= `Bearer ${this.bearer}`;
    let payload: BodyInit | undefined;
    if (body instanceof Uint8Array || typeof body === "string") payload = body as BodyInit;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["Content-Type"] ??= "application/json";
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>) {
    return this.request<T>("GET", path, undefined, headers);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
  put<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("PUT", path, body ?? {}, headers);
  }
  patch<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("PATCH", path, body ?? {}, headers);
  }
  delete<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("DELETE", path, body, headers);
  }
}
