import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import dotenv from "dotenv";
import { z } from "zod";
import { logger } from "./logger.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  VAR_DIR: z.string().default("var"),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|mysql:\/\/|mariadb:\/\/)/, "must start with sqlite:, mysql:// or mariadb://")
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded")
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(/@[^>\s]+/, "must name an e-mail address, e.g. Kuvert <no-reply@example.se>")
    .default("Kuvert <no-reply@kuvert.localhost>"),
  SMS_PROVIDER: z.enum(["file", "http", "46elks"]).default("file"),
  SMS_FROM: z.string().max(11).default("Kuvert"),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  SMS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  ELKS_API_URL: z.url().default("https://api.46elks.com/a1/sms"),
  ELKS_API_USERNAME: z.string().min(1).optional(),
  ELKS_API_PASSWORD: z.string().min(1).optional(),
  BLOB_STORE: z.string().optional(),
  /** Largest attachment in bytes; unset: the Professional plan's limit (services/attachments/limits.ts). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BODY_LIMIT_JSON: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  WORKER_ENABLED: bool.default(true),
  WORKER_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  // The outbox (outbox/worker.ts): `off` leaves delivery to a separate `kuvert worker` process.
  OUTBOX_WORKER: z.enum(["on", "off"]).default("on"),
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** How long an entry is retried after it was queued before it is given up (hours). */
  OUTBOX_RETRY_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 14)
    .default(24),
  /** Diagnostics: every response names the process that answered (X-Kuvert-Worker-Pid). */
  WORKER_PID_HEADER: bool.default(false),
  OUTBOX_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  OUTBOX_BACKOFF_CAP_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(5 * 60 * 1000),
  SMTP_POOL_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_POOL_MAX_MESSAGES: z.coerce.number().int().min(1).default(100),
  OUTBOX_LEASE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5 * 60 * 1000),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  INBOUND_TOKEN: z.string().min(16).optional(),
  TRUST_PROXY: bool.default(false),
  // How many proxies of yours append to X-Forwarded-For: the client address is taken that many
  // places from the right, so addresses a client put in the header itself are never believed.
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  SESSION_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(12 * 60 * 60),
  // API tokens (services/apiTokens.ts): each use renews the lifetime, never past the maximum from creation.
  API_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  API_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RATE_LIMIT_LOGIN_IP_POINTS: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_LOGIN_ACCOUNT_POINTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  // Rate limits (docs/security.md lists each with its window). Signed-in actions count per user
  // (and per organisation for sending and SMS), never per IP: an office shares one NAT address.
  // Anonymous steps count per IP and per account, address or link. Values are requests per window.
  RATE_LIMIT_SEND_USER_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_SEND_ORG_POINTS: z.coerce.number().int().min(1).default(3000),
  RATE_LIMIT_DRAFT_USER_POINTS: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_UPLOAD_USER_POINTS: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_SEARCH_USER_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_KEYS_LOOKUP_USER_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_API_USER_POINTS: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_ADMIN_USER_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_EXPORT_USER_POINTS: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_PASSWORD_CHANGE_USER_POINTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_TOKEN_CREATE_USER_POINTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_TOKEN_UNLOCK_USER_POINTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_ID_CHECK_SEND_POINTS: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_ID_CHECK_VERIFY_POINTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_SMS_SEND_USER_POINTS: z.coerce.number().int().min(1).default(8),
  RATE_LIMIT_SMS_SEND_ORG_POINTS: z.coerce.number().int().min(1).default(200),
  RATE_LIMIT_CODE_CHECK_USER_POINTS: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_SMS_SEND_IP_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_CODE_CHECK_IP_POINTS: z.coerce.number().int().min(1).default(200),
  RATE_LIMIT_RESET_EMAIL_POINTS: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_RESET_CHECKS_DAY_POINTS: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_RECIPIENT_IP_POINTS: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_RECIPIENT_LINK_SENDS_POINTS: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_RECIPIENT_LINK_CHECKS_POINTS: z.coerce.number().int().min(1).default(10),
  /** Every step through one shared link (/m/{token}, the add-in's Outlook item), all its recipients together. */
  RATE_LIMIT_SHARED_LINK_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_INBOUND_POINTS: z.coerce.number().int().min(1).default(1200),
  /**
   * log2 of scrypt's N for password hashes and password-wrapped keys (services/passwords.ts).
   * Default and production minimum 17 (OWASP); tests may lower it to run fast.
   */
  PASSWORD_SCRYPT_LOG2_N: z.coerce.number().int().min(10).max(20).default(17),
  // A first-time recipient's SMS code through a link (S3): wrong codes a day, and in all before the link is retired.
  RECIPIENT_CODE_DAILY_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  RECIPIENT_CODE_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  // Invitations (F23): how long an invitation link works; a resend starts a new period.
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  DEMO: bool.optional(),
  // Microsoft sign-in for the add-in (Entra ID): off unless ENTRA_CLIENT_ID is set (services/microsoft/entraToken.ts).
  ENTRA_CLIENT_ID: z.guid().optional(),
  ENTRA_AUTHORITY_URL: z.url().default("https://login.microsoftonline.com"),
  ENTRA_ISSUER_TEMPLATE: z
    .string()
    .refine((v) => v.split(",").every((s) => s.includes("{tenantid}")), "every issuer template must contain {tenantid}")
    .optional(),
  ENTRA_JWKS_URL: z.url().optional(),
  ENTRA_AUDIENCE: z.string().min(1).optional(),
  ENTRA_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  // Microsoft 365 directory import (services/microsoft/directory.ts): an app-only Entra app registration
  // with Graph application permissions; off unless ENTRA_DIRECTORY_CLIENT_ID is set. The tenant is each
  // organisation's own (`kuvert org:microsoft --tenant`), the credential is the operator's: a client
  // secret or a certificate (PEM file holding the certificate and its private key).
  ENTRA_DIRECTORY_CLIENT_ID: z.guid().optional(),
  ENTRA_DIRECTORY_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_DIRECTORY_CERT_FILE: z.string().optional(),
  GRAPH_BASE_URL: z.url().default("https://graph.microsoft.com/v1.0"),
  // HTTPS served by this process (PEM files), e.g. `npm run dev:https`; unset: plain HTTP behind a TLS proxy.
  HTTPS_CERT_FILE: z.string().optional(),
  HTTPS_KEY_FILE: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema> & {
  PUBLIC_URL: string;
  DATABASE_URL: string;
  MASTER_KEY: string;
  BLOB_STORE: string;
  /** Per-region blob stores from BLOB_STORE_<REGION> (key: the region in lower case, e.g. "de"). */
  BLOB_STORES: Record<string, string>;
  isProduction: boolean;
  isDev: boolean;
};

export class ConfigError extends Error {}

/** Variables that must be set explicitly in production (no embedded default). */
const requiredInProduction = ["DATABASE_URL", "MASTER_KEY", "SMTP_URL", "PUBLIC_URL"] as const;

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function devMasterKey(varDir: string): string {
  const file = path.join(varDir, "master.key");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(varDir, { recursive: true });
  const key = crypto.randomBytes(32).toString("base64");
  fs.writeFileSync(file, key + "\n", { mode: 0o600, flag: "wx" });
  return key;
}

/**
 * Reads and validates the configuration from `source` (default: process.env plus an optional
 * `.env`). Throws ConfigError with one line naming the bad variable.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env) dotenv.config({ quiet: true });
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Configuration error: ${issue.path.join(".")} ${issue.message}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === "production";
  if (isProduction) {
    for (const name of requiredInProduction) {
      if (!e[name]) throw new ConfigError(`Configuration error: ${name} is required in production`);
    }
    // The embedded sender (no-reply@kuvert.localhost) is for development: a real domain's
    // SPF/DKIM/DMARC would make receiving servers reject or bin every notification.
    if (!raw.MAIL_FROM) throw new ConfigError("Configuration error: MAIL_FROM is required in production");
    // The server speaks plain HTTP; it learns that a request came over TLS only from a trusted
    // proxy's X-Forwarded-Proto. Without that, sign-in could not set its Secure cookies.
    if (!e.PUBLIC_URL!.startsWith("https://")) {
      throw new ConfigError("Configuration error: PUBLIC_URL must be an https:// address in production");
    }
    if (!e.TRUST_PROXY) {
      throw new ConfigError(
        "Configuration error: TRUST_PROXY must be true in production: PUBLIC_URL is https but this server " +
          "speaks plain HTTP, so it needs a TLS proxy in front that sends X-Forwarded-Proto",
      );
    }
    if (e.PASSWORD_SCRYPT_LOG2_N < 17) {
      throw new ConfigError("Configuration error: PASSWORD_SCRYPT_LOG2_N must be at least 17 in production");
    }
    if (e.SMS_PROVIDER === "file") {
      throw new ConfigError("Configuration error: SMS_PROVIDER must be http or 46elks in production");
    }
  }
  if (e.SMS_PROVIDER === "http" && !e.SMS_HTTP_URL) {
    throw new ConfigError("Configuration error: SMS_HTTP_URL is required when SMS_PROVIDER=http");
  }
  if (e.SMS_PROVIDER === "46elks" && (!e.ELKS_API_USERNAME || !e.ELKS_API_PASSWORD)) {
    throw new ConfigError(
      "Configuration error: ELKS_API_USERNAME and ELKS_API_PASSWORD are required when SMS_PROVIDER=46elks",
    );
  }
  if (e.API_TOKEN_TTL_DAYS > e.API_TOKEN_MAX_DAYS) {
    throw new ConfigError("Configuration error: API_TOKEN_TTL_DAYS must not exceed API_TOKEN_MAX_DAYS");
  }
  if (Boolean(e.HTTPS_CERT_FILE) !== Boolean(e.HTTPS_KEY_FILE)) {
    throw new ConfigError("Configuration error: HTTPS_CERT_FILE and HTTPS_KEY_FILE must be set together");
  }
  if (e.ENTRA_DIRECTORY_CLIENT_ID && !e.ENTRA_DIRECTORY_CLIENT_SECRET === !e.ENTRA_DIRECTORY_CERT_FILE) {
    throw new ConfigError(
      "Configuration error: ENTRA_DIRECTORY_CLIENT_ID needs exactly one of ENTRA_DIRECTORY_CLIENT_SECRET or ENTRA_DIRECTORY_CERT_FILE",
    );
  }
  if (!e.ENTRA_DIRECTORY_CLIENT_ID && (e.ENTRA_DIRECTORY_CLIENT_SECRET || e.ENTRA_DIRECTORY_CERT_FILE)) {
    throw new ConfigError(
      "Configuration error: ENTRA_DIRECTORY_CLIENT_ID is required with a directory secret or certificate",
    );
  }
  for (const name of ["HTTPS_CERT_FILE", "HTTPS_KEY_FILE", "ENTRA_DIRECTORY_CERT_FILE"] as const) {
    const file = e[name];
    if (file !== undefined && !isReadableFile(file)) {
      throw new ConfigError(`Configuration error: ${name} ${file} is not a readable file`);
    }
  }
  // BLOB_STORE and BLOB_STORE_<REGION>: file:<dir> or s3://bucket[/prefix]?… (services/blobs/config.ts).
  const blobStores: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const m = /^BLOB_STORE(?:_([A-Za-z]{2,8}))?$/.exec(name);
    if (!m || value === undefined) continue;
    if (!/^(file:|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|\?|$))/.test(value)) {
      throw new ConfigError(`Configuration error: ${name} must be file:<folder> or s3://<bucket>?endpoint=…&region=…`);
    }
    if (m[1]) blobStores[m[1].toLowerCase()] = value;
  }
  const varDir = path.resolve(e.VAR_DIR);
  return {
    ...e,
    VAR_DIR: varDir,
    // Tests and benchmarks are quiet unless LOG_LEVEL asks otherwise.
    LOG_LEVEL: raw.LOG_LEVEL === undefined && e.NODE_ENV === "test" ? "silent" : e.LOG_LEVEL,
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    DATABASE_URL: e.DATABASE_URL ?? `sqlite:${path.join(varDir, "kuvert.sqlite")}`,
    MASTER_KEY: e.MASTER_KEY ?? devMasterKey(varDir),
    BLOB_STORE: e.BLOB_STORE ?? `file:${path.join(varDir, "blobs")}`,
    BLOB_STORES: blobStores,
    isProduction,
    isDev: e.NODE_ENV === "development",
  };
}

let current: Env | undefined;

/** The process-wide configuration, loaded on first use. */
export function env(): Env {
  return current ?? setEnv(loadEnv());
}

/** Replaces the process-wide configuration (start-up and tests); the logger follows LOG_LEVEL. */
export function setEnv(next: Env): Env {
  current = next;
  logger.level = next.LOG_LEVEL;
  return next;
}

/** The domain of MAIL_FROM ("Kuvert <no-reply@kuvert.se>" → "kuvert.se"), lower-case: the one parser of it. */
export function mailFromDomain(e: Env = env()): string {
  return (/@([^>\s]+)/.exec(e.MAIL_FROM)?.[1] ?? "").toLowerCase();
}
