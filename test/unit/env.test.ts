import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { expect } from "chai";
import { loadEnv, ConfigError } from "../../backend/src/env.js";

function expectConfigError(source: NodeJS.ProcessEnv, variable: string): void {
  expect(() => loadEnv(source)).to.throw(ConfigError, new RegExp(variable));
}

describe("configuration", () => {
  const key = crypto.randomBytes(32).toString("base64");

  it("needs no configuration in development: SQLite, blobs and a dev master key under var/", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-env-"));
    const e = loadEnv({ VAR_DIR: dir });
    expect(e.NODE_ENV).to.equal("development");
    expect(e.PORT).to.equal(3000);
    expect(e.DATABASE_URL).to.equal(`sqlite:${path.join(dir, "kuvert.sqlite")}`);
    expect(e.BLOB_STORE).to.equal(`file:${path.join(dir, "blobs")}`);
    expect(Buffer.from(e.MASTER_KEY, "base64")).to.have.length(32);
    // Generated once, then reused.
    expect(loadEnv({ VAR_DIR: dir }).MASTER_KEY).to.equal(e.MASTER_KEY);
    expect(fs.statSync(path.join(dir, "master.key")).mode & 0o077).to.equal(0);
    fs.rmSync(dir, { recursive: true });
  });

  it("names the bad variable", () => {
    expectConfigError({ PORT: "http" }, "PORT");
    expectConfigError({ DATABASE_URL: "postgres://x" }, "DATABASE_URL");
    expectConfigError({ MASTER_KEY: "short" }, "MASTER_KEY");
    expectConfigError({ SMTP_URL: "http://mail" }, "SMTP_URL");
    expectConfigError({ SMS_PROVIDER: "pigeon" }, "SMS_PROVIDER");
    expectConfigError({ SMS_PROVIDER: "http", MASTER_KEY: key }, "SMS_HTTP_URL");
    expectConfigError({ SMS_PROVIDER: "46elks", MASTER_KEY: key }, "ELKS_API_USERNAME");
  });

  it("requires explicit production values", () => {
    const prod = {
      NODE_ENV: "production",
      DATABASE_URL: "mysql://kuvert@db/kuvert",
      MASTER_KEY: key,
      SMTP_URL: "smtp://mail:25",
      MAIL_FROM: "Kuvert <no-reply@kommun.example.se>",
      PUBLIC_URL: "https://kuvert.example.se",
      SMS_PROVIDER: "http",
      SMS_HTTP_URL: "https://sms.example.se/send",
      TRUST_PROXY: "true",
    };
    expect(loadEnv(prod).isProduction).to.equal(true);
    for (const name of ["DATABASE_URL", "MASTER_KEY", "SMTP_URL", "PUBLIC_URL", "MAIL_FROM"]) {
      const without: Record<string, string> = { ...prod };
      delete without[name];
      expectConfigError(without, name);
    }
    expectConfigError({ ...prod, SMS_PROVIDER: "file" }, "SMS_PROVIDER");
    expectConfigError({ ...prod, PASSWORD_SCRYPT_LOG2_N: "15" }, "PASSWORD_SCRYPT_LOG2_N");
    // Plain HTTP to this server with no trusted proxy: sign-in could not set its Secure cookies.
    const noProxy: Record<string, string> = { ...prod };
    delete noProxy.TRUST_PROXY;
    expect(() => loadEnv(noProxy)).to.throw(ConfigError, /TRUST_PROXY must be true.*PUBLIC_URL is https/);
    expectConfigError({ ...prod, TRUST_PROXY: "false" }, "TRUST_PROXY");
    expectConfigError({ ...prod, PUBLIC_URL: "http://kuvert.example.se" }, "PUBLIC_URL must be an https");
    expect(loadEnv({ ...prod, PASSWORD_SCRYPT_LOG2_N: "18" }).PASSWORD_SCRYPT_LOG2_N).to.equal(18);
  });

  it("password scrypt cost defaults to OWASP's minimum (N=2^17) when PASSWORD_SCRYPT_LOG2_N is unset", () => {
    expect(loadEnv({ MASTER_KEY: key, VAR_DIR: os.tmpdir() }).PASSWORD_SCRYPT_LOG2_N).to.equal(17);
  });
});
