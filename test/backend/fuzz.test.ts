import { expect } from "chai";
import { ApiClient } from "../support/server.js";
import { signIn } from "../support/auth.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../support/factories.js";
import type { User } from "../../backend/src/models/User.js";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import { logger } from "../../backend/src/logger.js";

/**
 * The API fuzzer: at least 10,000 requests generated from GET /api/openapi.json with a fixed
 * seed, against every operation, anonymous and signed in (with a valid CSRF token, and now and
 * then a wrong one). Bodies are valid-shaped from the schemas, or have fields missing, wrong
 * types, huge strings, deep nesting, odd unicode; ids, query strings and content types are bad
 * in many ways. It asserts no answer ≥ 500, a JSON `error` on every 4xx, and /health still 200
 * at the end. A failure names the request that broke things, and the seed to run it again:
 *
 *   FUZZ_SEED=123 FUZZ_REQUESTS=20000 TEST_SPEC=test/backend/fuzz.test.ts node test/run.js
 *
 * Operations that end the session they run in (sign-out, sign out everywhere, ending a session,
 * deleting the account, changing the password) are fuzzed in a separate phase, each on its own
 * user, signed in again whenever the session is gone; the main phase sends them nothing.
 *
 * The rate limits (every RATE_LIMIT_…_POINTS variable, tested in their own suites) are lifted while it
 * runs, so requests reach validation and the handlers instead of stopping at 429.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 14_2026) >>> 0;
const REQUESTS = Math.max(1, Number(process.env.FUZZ_REQUESTS ?? 10_000));
const CONCURRENCY = 8;

/** mulberry32: a small, fast, seeded PRNG (the same seed gives the same requests). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  prefixItems?: Schema[];
  enum?: Json[];
  const?: Json;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  $defs?: Record<string, Schema>;
  default?: Json;
}
interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  security: boolean;
  bodyTypes: string[];
  bodySchema?: Schema;
}

interface FuzzRequest {
  op: Operation;
  kind: string;
  auth: "anonymous" | "session" | "bad-csrf";
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

interface Failure {
  req: FuzzRequest;
  status: number;
  why: string;
  text: string;
}

const SESSION_ENDING = new Set([
  "POST /api/auth/logout",
  "POST /api/account/sessions/revoke-all",
  "DELETE /api/account/sessions/{id}",
  "DELETE /api/account",
  "POST /api/account/password",
  // The fuzzing user is an admin and its own id is among the ids: these end its own session.
  "POST /api/admin/users/{id}/deactivate",
  "POST /api/admin/users/{id}/sign-out-everywhere",
]);

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "../../../../etc/passwd",
  "%00",
  "%ZZ",
  "<script>alert(1)</script>",
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  "😀🔐👩‍👩‍👧",
  "\u202eevil\u202c",
  "Ω≈ç√∫˜µ≤≥÷",
  "Z̵̢̧͈̱̹̔̋̓a̸̛̠̔l̶̨̈́g̶̛̹o",
  "\ud800",
  "\udfff\ud800",
  "\r\n\r\nX-Injected: yes",
  "ｆｕｌｌｗｉｄｔｈ＠ｅｘａｍｐｌｅ．ｓｅ",
  "a@b",
  "@",
  "+46701234567",
  "+999999999999999999999",
  "2026-13-45T25:61:61Z",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];
const BAD_IDS = [
  "0",
  "-1",
  "1.5",
  "99999999999999999999999999",
  "abc",
  "%ZZ",
  "%00",
  "%2e%2e%2f%2e%2e",
  "..",
  "null",
  "undefined",
  "00000000-0000-0000-0000-000000000000",
  "not-a-uuid-at-all-but-36-characters!",
  "%F0%9F%98%80",
  "%C3%28",
  "%ED%A0%80",
  "x".repeat(5000),
  "1%20OR%201=1",
  "__proto__",
  "constructor",
];
const BAD_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/xml",
  "application/octet-stream",
  "message/rfc822",
  "",
  "application/jsonx",
  "*/*",
  "application/merge-patch+json",
];

/** encodeURIComponent that keeps lone surrogates (as %EF%BF%BD) instead of throwing. */
function enc(s: string): string {
  return encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"),
  );
}

const DEEP = "\u0000deep:";

/** JSON text for a value, with deep-nesting markers expanded (JSON.stringify would overflow). */
function text(value: Json): string {
  return JSON.stringify(value).replace(/"\\u0000deep:(\d+)"/g, (_m, n: string) => {
    let open = "";
    let close = "";
    for (let i = 0; i < Number(n); i++) {
      open += i % 2 ? "[" : '{"a":';
      close = (i % 2 ? "]" : "}") + close;
    }
    return `${open}"bottom"${close}`;
  });
}

class Generator {
  constructor(
    readonly rand: () => number,
    readonly ids: string[],
  ) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }

  unicode(len: number): string {
    const pools = [
      "abcåäöÅÄÖ xyz",
      "😀🔐🇸🇪👩‍💻",
      "\u0301\u0308\u20dd",
      "עברית العربية",
      "\u200b\u200d\ufeff",
      "漢字かなカナ",
      "\t\n\r",
    ];
    let s = "";
    while (s.length < len) s += this.pick(pools)[this.int(0, 3)] ?? "a";
    return s;
  }

  /** A value of the schema's shape; `root` resolves $refs. */
  valid(schema: Schema | undefined, root: Schema, depth = 0): Json {
    if (!schema || depth > 8) return null;
    if (schema.$ref) {
      const name = schema.$ref.replace(/^#\/\$defs\//, "");
      return this.valid(root.$defs?.[name], root, depth + 1);
    }
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return this.pick(schema.enum);
    const alts = schema.anyOf ?? schema.oneOf;
    if (alts) return this.valid(this.pick(alts), root, depth + 1);
    if (schema.allOf) return this.valid(schema.allOf[0], root, depth + 1);
    const type = Array.isArray(schema.type) ? this.pick(schema.type) : schema.type;
    switch (type) {
      case "object": {
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(schema.properties ?? {})) {
          if ((schema.required ?? []).includes(k) || this.chance(0.6)) out[k] = this.valid(v, root, depth + 1);
        }
        return out;
      }
      case "array": {
        const min = schema.minItems ?? 0;
        const max = Math.min(schema.maxItems ?? min + 3, min + 3);
        if (schema.prefixItems) return schema.prefixItems.map((s) => this.valid(s, root, depth + 1));
        return Array.from({ length: this.int(min, max) }, () => this.valid(schema.items, root, depth + 1));
      }
      case "string":
        return this.validString(schema);
      case "integer":
      case "number": {
        const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
        const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : lo + 1000);
        const n = lo + this.rand() * (Math.min(hi, lo + 1e6) - lo);
        return type === "integer" ? Math.floor(n) : n;
      }
      case "boolean":
        return this.chance(0.5);
      case "null":
        return null;
      default:
        return this.wrong();
    }
  }

  validString(schema: Schema): string {
    if (schema.format === "email") return `fuzz${this.int(0, 1e6)}@example.test`;
    if (schema.format === "uuid") return this.ids.length && this.chance(0.7) ? this.pick(this.ids) : this.uuid();
    if (schema.format === "date-time") return new Date(Date.UTC(2026, 0, 1) + this.int(0, 1e10)).toISOString();
    if (schema.format === "date") return "2026-12-03";
    if (schema.pattern && /\\d|\[0-9\]/.test(schema.pattern) && !/[a-z]/i.test(schema.pattern.replace(/\\d/g, "")))
      return String(this.int(0, 999999)).padStart(6, "0");
    if (schema.pattern?.includes("+")) return `+4670${this.int(1000000, 9999999)}`;
    const min = schema.minLength ?? 0;
    const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
    const len = this.int(min, max);
    if (this.chance(0.2)) return this.unicode(len).slice(0, max);
    if (this.ids.length && this.chance(0.15)) return this.pick(this.ids);
    return Array.from({ length: len }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[this.int(0, 35)]).join("");
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => "0123456789abcdef"[this.int(0, 15)]).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** A value of some other type. */
  wrong(): Json {
    switch (this.int(0, 10)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
      case 3:
        return this.pick(NASTY_STRINGS);
      case 4:
        return [];
      case 5:
        return {};
      case 6:
        return [this.pick(NASTY_STRINGS), 1, null, {}];
      case 7:
        return { __proto__: { admin: true }, constructor: { prototype: 1 } } as unknown as Json;
      case 8:
        return this.unicode(this.int(1, 50));
      case 9:
        return "x".repeat(this.int(1000, 70_000));
      default:
        return this.deep(this.int(50, 3000));
    }
  }

  /** A marker for deep nesting; `text` below turns it into JSON text nested `levels` deep. */
  deep(levels: number): Json {
    return `${DEEP}${levels}`;
  }

  /** Every leaf path of a value, for mutations. */
  paths(v: Json, prefix: string[] = [], out: string[][] = []): string[][] {
    if (v && typeof v === "object") {
      for (const [k, c] of Object.entries(v)) {
        out.push([...prefix, k]);
        this.paths(c, [...prefix, k], out);
      }
    }
    return out;
  }

  setAt(v: Json, path: string[], value: Json | undefined): void {
    let cur = v as Record<string, Json>;
    for (const k of path.slice(0, -1)) {
      cur = cur[k] as Record<string, Json>;
      if (!cur || typeof cur !== "object") return; // an earlier mutation replaced the parent
    }
    const last = path[path.length - 1];
    if (value === undefined) {
      if (Array.isArray(cur)) cur.splice(Number(last), 1);
      else delete cur[last];
    } else cur[last] = value;
  }

  pathValue(p: Parameter, kind: string): string {
    if (kind === "bad-id" || this.chance(0.1)) return this.pick(BAD_IDS);
    if (p.schema.type === "integer" || p.schema.type === "number") return String(this.int(0, 20));
    if (this.ids.length && this.chance(0.8)) return enc(this.pick(this.ids));
    return enc(String(this.valid(p.schema, p.schema)));
  }

  query(op: Operation, kind: string): string {
    const qs = new URLSearchParams();
    for (const p of op.parameters.filter((x) => x.in === "query")) {
      if (!p.required && this.chance(0.4)) continue;
      const v = this.valid(p.schema, p.schema);
      qs.append(p.name, typeof v === "string" ? v : JSON.stringify(v));
    }
    let out = qs.toString();
    if (kind === "bad-query") {
      const names = [
        ...op.parameters.filter((x) => x.in === "query").map((x) => x.name),
        "q",
        "limit",
        "cursor",
        "__proto__",
      ];
      const extras = [
        () => `${this.pick(names)}=${enc(String(this.wrong()).slice(0, 3000))}`,
        () => `${this.pick(names)}=1&${this.pick(names)}=2`,
        () => `${this.pick(names)}[]=1&${this.pick(names)}[a]=2`,
        () => `${this.pick(names)}=%ZZ%`,
        () => `${this.pick(names)}=${"9".repeat(400)}`,
        () => `${this.pick(names)}=-99999`,
        () => `${this.pick(names)}`,
        () => `=${this.pick(BAD_IDS)}`,
        () => `${this.pick(names)}=${enc(this.unicode(20))}`,
        () => "a=" + "b".repeat(20000),
      ];
      const n = this.int(1, 3);
      for (let i = 0; i < n; i++) out += (out ? "&" : "") + this.pick(extras)();
    }
    return out ? `?${out}` : "";
  }
}

const JSON_KINDS = [
  "valid",
  "valid",
  "valid",
  "missing",
  "wrong-type",
  "huge",
  "deep",
  "unicode",
  "bad-id",
  "bad-query",
  "content-type",
  "not-json",
  "empty",
  "over-limit",
];

function generate(g: Generator, op: Operation, auth: FuzzRequest["auth"]): FuzzRequest {
  let kind = g.pick(JSON_KINDS);
  if (kind === "over-limit" && !g.chance(0.1)) kind = "huge"; // keep the 1 MiB bodies rare
  let path = op.path;
  for (const p of op.parameters.filter((x) => x.in === "path")) {
    path = path.replace(`{${p.name}}`, g.pathValue(p, kind));
  }
  const url = path + g.query(op, kind);
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  const jsonBody = op.bodyTypes.includes("application/json");
  if (jsonBody && op.bodySchema) {
    const root = op.bodySchema;
    let value: Json = g.valid(root, root);
    const paths = g.paths(value);
    if (kind === "missing") {
      if (paths.length && g.chance(0.8)) g.setAt(value, g.pick(paths), undefined);
      else value = {};
    } else if (kind === "wrong-type") {
      if (paths.length && g.chance(0.85)) g.setAt(value, g.pick(paths), g.wrong());
      else value = g.wrong();
    } else if (kind === "huge") {
      const big = (g.chance(0.5) ? "x" : "å😀").repeat(g.int(5_000, 70_000));
      if (paths.length)
        g.setAt(value, g.pick(paths), g.chance(0.7) ? big : Array.from({ length: 5000 }, () => big.slice(0, 10)));
      else value = big;
    } else if (kind === "deep") {
      if (paths.length && g.chance(0.7)) g.setAt(value, g.pick(paths), g.deep(g.int(100, 5000)));
      else value = g.deep(g.int(100, 5000));
    } else if (kind === "unicode") {
      for (const p of paths)
        if (g.chance(0.5)) g.setAt(value, p, g.chance(0.5) ? g.pick(NASTY_STRINGS) : g.unicode(g.int(1, 300)));
    }
    headers["Content-Type"] = "application/json";
    if (kind === "empty") body = g.chance(0.5) ? "" : undefined;
    else if (kind === "not-json")
      body = g.pick([
        '{"a":',
        "{'single': 'quotes'}",
        "[1,2,",
        "\u0000\u0001",
        '{"a": NaN}',
        '{"__proto__": {"isAdmin": true}}',
        "1e400",
        "nul",
        '"\\ud800"',
        '{"a":1}garbage',
      ]);
    else if (kind === "over-limit") body = JSON.stringify({ x: "y".repeat(1_100_000) });
    else body = text(value);
    if (kind === "content-type") {
      const ct = g.pick(BAD_CONTENT_TYPES);
      if (ct) headers["Content-Type"] = ct;
      else delete headers["Content-Type"];
    }
    if (kind === "not-json" && g.chance(0.3)) {
      body = Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]); // invalid UTF-8
    }
  } else if (op.bodyTypes.length) {
    // Raw bodies (uploads, raw mail): declared or wrong types, random bytes, sometimes empty.
    const ct =
      kind === "content-type"
        ? g.pick(BAD_CONTENT_TYPES)
        : g.pick(op.bodyTypes.map((t) => (t === "*/*" ? "application/pdf" : t)));
    if (ct) headers["Content-Type"] = ct;
    const size = kind === "huge" ? g.int(70_000, 300_000) : kind === "empty" ? 0 : g.int(1, 4096);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 97) bytes[i] = g.int(0, 255);
    body = bytes;
    if (g.chance(0.3)) headers["X-File-Name"] = g.pick(NASTY_STRINGS.filter((s) => /^[\x20-\x7e]*$/.test(s)));
    if (g.chance(0.5))
      headers["X-Plaintext-Size"] = g.pick([
        "-1",
        "abc",
        "1e309",
        "99999999999999999999",
        "0",
        "1.5",
        String(size),
        "",
      ]);
    if (g.chance(0.2)) headers["X-Envelope-From"] = g.pick(["", "<>", "a@b", "x".repeat(2000), "bounce+1@kuvert.test"]);
  } else if (kind === "content-type" || kind === "not-json") {
    // A body where none is expected (also on GET and DELETE).
    if (op.method !== "GET") {
      headers["Content-Type"] = g.pick(BAD_CONTENT_TYPES) || "text/plain";
      body = g.pick(['{"a":1}', "garbage", "\u0000"]);
    }
  }
  if (g.chance(0.05))
    headers["Authorization"] = g.pick([
      "Bearer ",
      "Bearer x",
      `Bearer ${"k".repeat(3000)}`,
      "Basic Zm9vOmJhcg==",
      "Bearer kv_ä",
      "bearer",
    ]);
  if (g.chance(0.03)) headers["X-Request-Id"] = g.pick(["", "x".repeat(500), "../../", "<script>", "ä"]);
  if (g.chance(0.03)) headers["Accept"] = g.pick(["text/html", "application/xml", "*/*", "image/png"]);
  if (g.chance(0.03)) headers["Accept-Language"] = g.pick(["xx", "sv-SE,sv;q=0.9", "*", "en;q=abc", "ä".repeat(3)]);
  return { op, kind, auth, url, headers, body };
}

function summary(req: FuzzRequest): string {
  let b = "";
  if (typeof req.body === "string")
    b = req.body.length > 300 ? `${req.body.slice(0, 300)}… (${req.body.length} chars)` : req.body;
  else if (req.body) b = `<${req.body.length} bytes>`;
  const ct = req.headers["Content-Type"] ?? "(no content type)";
  const url = req.url.length > 300 ? `${req.url.slice(0, 300)}… (${req.url.length} chars)` : req.url;
  return `${req.op.method} ${url} [${req.auth}, ${req.kind}, ${ct}] body: ${b || "(none)"}`;
}

interface Session {
  cookie: string;
  csrf: string;
}

function sessionOf(api: ApiClient): Session {
  return {
    cookie: api.cookieHeader(),
    csrf: api.cookies.get("kuvert_csrf") ?? api.cookies.get("__Host-kuvert_csrf") ?? "",
  };
}

async function send(
  base: string,
  req: FuzzRequest,
  session: Session | null,
): Promise<{ status: number; text: string; type: string }> {
  const headers: Record<string, string> = { ...req.headers };
  if (session && req.auth !== "anonymous") {
    headers.Cookie = session.cookie;
    if (req.op.method !== "GET") headers["X-CSRF-Token"] = req.auth === "bad-csrf" ? "not-the-token" : session.csrf;
  }
  const res = await fetch(base + req.url, {
    method: req.op.method,
    headers,
    body: req.op.method === "GET" || req.op.method === "HEAD" ? undefined : (req.body as BodyInit | undefined),
    redirect: "manual",
  });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
}

function check(req: FuzzRequest, res: { status: number; text: string; type: string }): Failure | null {
  if (res.status >= 500) return { req, status: res.status, why: "server error", text: res.text };
  if (res.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      return { req, status: res.status, why: "4xx without a JSON body", text: res.text };
    }
    if (typeof (parsed as { error?: unknown })?.error !== "string")
      return { req, status: res.status, why: "4xx without a string `error`", text: res.text };
    if (!/application\/json/.test(res.type))
      return { req, status: res.status, why: `4xx with content type ${res.type}`, text: res.text };
  }
  return null;
}

function report(failures: Failure[], total: number): string {
  const lines = failures
    .slice(0, 25)
    .map((f) => `  ${f.status} (${f.why}) ← ${summary(f.req)}\n      answer: ${f.text.slice(0, 300)}`);
  return (
    `${failures.length} of ${total} fuzz requests broke the contract (seed ${SEED}; ` +
    `rerun: FUZZ_SEED=${SEED} FUZZ_REQUESTS=${REQUESTS}):\n${lines.join("\n")}`
  );
}

async function runAll<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

describe("API fuzzer (generated from /api/openapi.json)", function () {
  // Two minutes on a quiet 2-core machine; far more beside other work, so the limit is generous.
  this.timeout(Number(process.env.FUZZ_TIMEOUT_MS ?? 900_000));
  let base: string;
  let ops: Operation[];
  let admin: User;
  let other: User;
  const ids: string[] = [];

  const savedEnv = env();
  const savedLevel = logger.level;
  after(async () => {
    setEnv(savedEnv);
    logger.level = savedLevel;
  });

  before(async () => {
    const lifted = Object.fromEntries(
      Object.keys(savedEnv)
        .filter((name) => /^RATE_LIMIT_.*_POINTS$/.test(name))
        .map((name) => [name, 1_000_000]),
    ) as Partial<Env>;
    setEnv({ ...savedEnv, ...lifted });
    // A 500 is logged by the error handler with its stack: let those lines through beside the failure.
    if (logger.level === "silent") logger.level = "error";
    const anon = await ApiClient.create();
    base = anon.baseUrl;
    const doc = (await anon.get("/api/openapi.json")).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Parameter[];
            security?: unknown;
            requestBody?: { content: Record<string, { schema: Schema }> };
          }
        >
      >;
    };
    ops = [];
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) {
        const content = op.requestBody?.content ?? {};
        ops.push({
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          security: Boolean(op.security),
          bodyTypes: Object.keys(content),
          bodySchema: content["application/json"]?.schema,
        });
      }
    }
    // Real objects to aim at: a sent and a received message, a contact, a folder, a draft.
    const org = await buildOrganisation();
    admin = await buildUser({ organisation: org, role: "admin" });
    other = await buildUser({ organisation: org });
    const api = await signIn(admin);
    const sent = await api.post("/api/messages", { to: [{ email: other.email }], subject: "Fuzz", body: "Hej" });
    const draft = await api.post("/api/messages/drafts", {});
    const contact = await api.post("/api/contacts", { name: "Fuzz Contact", email: uniqueEmail("contact") });
    const folder = await api.post("/api/folders", { name: "Fuzz folder" });
    for (const res of [sent, draft, contact, folder]) {
      if (typeof res.body?.id === "string") ids.push(res.body.id);
    }
    ids.push(admin.id, other.id);
    expect(ids.length, "setup objects").to.be.at.least(4);
  });

  it(`answers ${REQUESTS} generated requests with no 5xx and a JSON error on every 4xx, and /health stays 200`, async () => {
    const started = Date.now();
    const cpuStart = process.cpuUsage();
    process.stdout.write(
      `      fuzz seed ${SEED} (FUZZ_SEED overrides), ${REQUESTS} requests, ${ops.length} operations\n`,
    );
    const g = new Generator(prng(SEED), ids);
    const main = ops.filter((o) => !SESSION_ENDING.has(`${o.method} ${o.path}`));
    const ending = ops.filter((o) => SESSION_ENDING.has(`${o.method} ${o.path}`));
    expect(ending.length, "session-ending operations found in the document").to.equal(SESSION_ENDING.size);
    const endingCount = Math.max(ending.length * 20, Math.round((REQUESTS * ending.length) / ops.length));
    const mainCount = Math.max(main.length, REQUESTS - endingCount);
    // Every operation gets its share: ten rounds over all of them (the first anonymous, the second
    // signed in), then random picks.
    const authFor = (i: number, n: number, pool: readonly FuzzRequest["auth"][]): FuzzRequest["auth"] =>
      i < n ? "anonymous" : i < 2 * n ? "session" : g.pick(pool);
    const mainRequests: FuzzRequest[] = [];
    for (let i = 0; i < mainCount; i++) {
      const op = i < main.length * 10 ? main[i % main.length] : g.pick(main);
      mainRequests.push(
        generate(g, op, authFor(i, main.length, ["anonymous", "session", "session", "session", "bad-csrf"])),
      );
    }
    const endingRequests: FuzzRequest[] = [];
    for (let i = 0; i < endingCount; i++) {
      endingRequests.push(
        generate(
          g,
          ending[i % ending.length],
          authFor(i, ending.length, ["anonymous", "session", "session", "bad-csrf"]),
        ),
      );
    }
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    const seen = new Set<string>();
    const timeByOp = new Map<string, number>();
    const limited = new Map<string, number>();
    let done = 0;
    const record = (req: FuzzRequest, res: { status: number; text: string; type: string }, ms: number) => {
      const key = `${req.op.method} ${req.op.path}`;
      timeByOp.set(key, (timeByOp.get(key) ?? 0) + ms);
      timeByOp.set(`kind ${req.kind}`, (timeByOp.get(`kind ${req.kind}`) ?? 0) + ms);
      if (++done % 1000 === 0 && process.env.FUZZ_VERBOSE)
        process.stdout.write(`      ${done} requests, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) limited.set(key, (limited.get(key) ?? 0) + 1);
      seen.add(`${req.op.method} ${req.op.path} ${req.auth === "bad-csrf" ? "session" : req.auth}`);
      const f = check(req, res);
      if (f) {
        failures.push(f);
        // Loud at once, so a run that times out still names what broke.
        if (failures.length <= 25)
          process.stdout.write(`      FUZZ FAILURE ${f.status} (${f.why}) ← ${summary(req)}\n`);
      }
    };

    // Main phase: one signed-in admin session for everything that does not end it.
    const adminApi = await signIn(admin);
    const session = sessionOf(adminApi);
    await runAll(mainRequests, async (req) => {
      try {
        const t0 = Date.now();
        record(req, await send(base, req, session), Date.now() - t0);
      } catch (err) {
        failures.push({ req, status: 0, why: `request failed: ${(err as Error).message}`, text: "" });
      }
    });
    const mainSeconds = (Date.now() - started) / 1000;
    const me = await adminApi.get("/api/auth/me");
    expect(me.status, "the main session survived the main phase").to.equal(200);

    // Session-ending phase: in lanes, each one request at a time on its own user, signed in
    // again whenever its session is gone (and a new user when the account was deleted).
    for (const req of endingRequests) {
      // Now and then the real password, so the ending itself is exercised too.
      if (req.auth === "session" && typeof req.body === "string" && g.chance(0.2)) {
        req.body = req.body.replace(/"(password|currentPassword)":"[^"]*"/g, `"$1":"${defaultPassword}"`);
      }
    }
    // One lane by default: lanes side by side on SQLite wait on each other's write locks (see the
    // report of issue 14's sign-in bursts); FUZZ_LANES runs more to hunt for exactly that.
    const lanes = Math.max(1, Number(process.env.FUZZ_LANES ?? 1));
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        let victim = await buildUser({ role: "admin" });
        let victimApi = await signIn(victim);
        for (const req of endingRequests.filter((_r, i) => i % lanes === lane)) {
          let status = 0;
          try {
            const t0 = Date.now();
            const res = await send(base, req, sessionOf(victimApi));
            status = res.status;
            record(req, res, Date.now() - t0);
          } catch (err) {
            failures.push({ req, status: 0, why: `request failed: ${(err as Error).message}`, text: "" });
          }
          // Only a success can have ended the session.
          if (status < 300 && (await victimApi.get("/api/auth/me")).status !== 200) {
            try {
              victimApi = await signIn(victim);
            } catch {
              victim = await buildUser({ role: "admin" });
              victimApi = await signIn(victim);
            }
          }
        }
      }),
    );

    const health = await fetch(`${base}/health`);
    const cpu = process.cpuUsage(cpuStart);
    const total = mainRequests.length + endingRequests.length;
    process.stdout.write(
      `      ${total} requests in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${mainRequests.length} in the main phase in ${mainSeconds.toFixed(1)} s) ` +
        `(CPU of this process, client and server: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s); statuses ` +
        `${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`,
    );
    if (process.env.FUZZ_VERBOSE) {
      const slow = [...timeByOp].sort((a, b) => b[1] - a[1]).slice(0, 30);
      process.stdout.write(`      429 by operation: ${JSON.stringify(Object.fromEntries(limited))}\n`);
      process.stdout.write(`      slowest operations (total ms): ${slow.map(([k, v]) => `${k} ${v}`).join("; ")}\n`);
    }
    expect(failures, report(failures, total)).to.have.length(0);
    expect(total).to.be.at.least(REQUESTS);
    expect(
      ops
        .flatMap((o) => [`${o.method} ${o.path} anonymous`, `${o.method} ${o.path} session`])
        .filter((o) => !seen.has(o)),
      "operations never fuzzed anonymously or signed in",
    ).to.deep.equal([]);
    expect(health.status, "/health after the fuzzing").to.equal(200);
  });
});
