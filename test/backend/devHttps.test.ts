import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "chai";
import devCerts from "office-addin-dev-certs";
import { buildUser, defaultPassword } from "../support/factories.js";
import { childEnv, freePort, root, waitForExit } from "../support/processes.js";
import { devCertFiles } from "../../addin/scripts/devHttps.js";
import { validateManifest, hasXmllint } from "../../addin/scripts/validateManifest.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request that trusts only `ca` (never the system store) and checks the host name. */
function request(
  url: string,
  ca: Buffer | undefined,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, ca: ca ?? [], servername: "localhost" },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Starts `args` (a Kuvert entry point) as a child process and waits for https /health. */
async function startHttpsChild(
  args: string[],
  extraEnv: Record<string, string>,
  ca: () => Buffer,
): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: childEnv({ PORT: String(port), HOST: "127.0.0.1", ...extraEnv }),
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const url = `https://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    try {
      const res = await request(`${url}/health`, ca());
      if (res.status === 200) return { child, url, stdout: () => stdout };
    } catch {
      // not listening yet (or certificate files not written yet)
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start over https: ${stderr}`);
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await waitForExit(child);
}

/** A folder on PATH whose `sudo` only records its arguments and answers `status`: no trust store is touched. */
function fakeSudo(dir: string, status: number): string {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "sudo"),
    `#!/bin/sh\necho "$@" >> "${dir}/sudo.log"\n` +
      (status === 0 ? "exit 0\n" : `echo "sudo: a password is required" >&2\nexit ${status}\n`),
    { mode: 0o755 },
  );
  return `${bin}${path.delimiter}${process.env.PATH}`;
}

const tsxArgs = (script: string) => ["--import", import.meta.resolve("tsx/esm"), path.join(root, script)];

describe("HTTPS served by the backend (HTTPS_CERT_FILE/HTTPS_KEY_FILE, npm run dev:https)", function () {
  this.timeout(180_000);
  let dir: string;
  let files: { ca: string; cert: string; key: string };

  before(async () => {
    // The same kind of CA + localhost certificate office-addin-dev-certs makes, in a temporary folder.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-https-"));
    files = {
      ca: path.join(dir, "ca.crt"),
      cert: path.join(dir, "localhost.crt"),
      key: path.join(dir, "localhost.key"),
    };
    await devCerts.generateCertificates(files.ca, files.cert, files.key, 2, ["127.0.0.1", "localhost"]);
  });

  it("serves /health, the add-in pages and a working sign-in over TLS", async () => {
    const ca = fs.readFileSync(files.ca);
    const server = await startHttpsChild(
      tsxArgs("bin/start.js"),
      { HTTPS_CERT_FILE: files.cert, HTTPS_KEY_FILE: files.key, PUBLIC_URL: "https://localhost:3000" },
      () => ca,
    );
    try {
      expect((await request(`${server.url}/health`, ca)).status).to.equal(200);
      for (const page of ["/addin/commands.html", "/addin/launchevent.html"]) {
        const res = await request(`${server.url}${page}`, ca);
        expect(res.status, page).to.equal(200);
        expect(res.body, page).to.contain("<html");
      }
      // A client that does not trust the development CA is refused by TLS itself.
      let refused: unknown;
      await request(`${server.url}/health`, undefined).catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/certificate/i);

      // Sign-in over HTTPS: the session cookie is set and works on the next request.
      const user = await buildUser();
      const login = await request(`${server.url}/api/auth/login`, ca, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: user.email, password: defaultPassword }),
      });
      expect(login.status, login.body).to.equal(200);
      const cookies = (login.headers["set-cookie"] as string[]).map((c) => c.split(";")[0]);
      expect(cookies.some((c) => c.startsWith("kuvert_session="))).to.equal(true);
      const me = await request(`${server.url}/api/auth/me`, ca, { headers: { Cookie: cookies.join("; ") } });
      expect(me.status, me.body).to.equal(200);
      expect(me.body).to.contain(user.email);
    } finally {
      await stop(server.child);
    }
  });

  it("refuses to start with only one of the two files, or a file it cannot read", async () => {
    for (const [extra, expected] of [
      [{ HTTPS_CERT_FILE: files.cert }, "HTTPS_CERT_FILE and HTTPS_KEY_FILE must be set together"],
      [{ HTTPS_CERT_FILE: files.cert, HTTPS_KEY_FILE: path.join(dir, "nope.key") }, "HTTPS_KEY_FILE"],
    ] as const) {
      const child = spawn(process.execPath, tsxArgs("backend/src/main.ts"), {
        env: childEnv({ PORT: "0", HOST: "127.0.0.1", ...extra }),
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (c) => (stderr += c));
      expect(await waitForExit(child)).to.equal(78);
      expect(stderr).to.contain(expected);
    }
  });

  it("npm run dev:https: certificate from office-addin-dev-certs, https manifest, server over https", async function () {
    // Only on Linux does the library trust its CA through `sudo` (faked here); elsewhere it would
    // touch the real keychain or certificate store.
    if (process.platform !== "linux") this.skip();
    const home = path.join(dir, "home-ok");
    const varDir = path.join(dir, "var-ok");
    fs.mkdirSync(home);
    const server = await startHttpsChild(
      tsxArgs("addin/scripts/devHttps.ts"),
      { HOME: home, VAR_DIR: varDir, PATH: fakeSudo(home, 0) },
      () => fs.readFileSync(devCertFiles(home).ca),
    );
    try {
      // The library asked (our stand-in) sudo to trust its CA, and the server presents its certificate.
      expect(fs.readFileSync(path.join(home, "sudo.log"), "utf8")).to.contain("install_linux.sh");
      const ca = fs.readFileSync(devCertFiles(home).ca);
      expect((await request(`${server.url}/addin/commands.html`, ca)).status).to.equal(200);
      const manifestFile = path.join(varDir, "manifest-https.xml");
      expect(server.stdout()).to.contain(manifestFile);
      const xml = fs.readFileSync(manifestFile, "utf8");
      const port = new URL(server.url).port;
      expect(xml).to.contain(
        `<SourceLocation DefaultValue="https://localhost:${port}/addin/taskpane.html?mode=compose"/>`,
      );
      expect(xml).not.to.match(/http:\/\/(localhost|127\.0\.0\.1)/);
      expect(xml).to.contain(`<AppDomain>https://localhost:${port}</AppDomain>`);
      if (hasXmllint()) {
        const r = validateManifest(manifestFile);
        expect(r.status, r.output).to.equal(0);
      }
    } finally {
      await stop(server.child);
    }
  });

  it("npm run dev:https stops with one clear line when the CA cannot be trusted", async function () {
    if (process.platform !== "linux") this.skip();
    const home = path.join(dir, "home-fail");
    fs.mkdirSync(home);
    const child = spawn(process.execPath, tsxArgs("addin/scripts/devHttps.ts"), {
      env: childEnv({ HOME: home, VAR_DIR: path.join(dir, "var-fail"), PATH: fakeSudo(home, 1), PORT: "0" }),
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c) => (stderr += c));
    expect(await waitForExit(child)).to.equal(1);
    const lines = stderr.trim().split("\n");
    expect(lines, stderr).to.have.length(1);
    expect(lines[0]).to.match(/^dev:https: the development certificate could not be created or trusted/);
    expect(lines[0]).to.contain("sudo: a password is required").and.contain("HTTPS_CERT_FILE");
  });

  it("npm run dev:https refuses an http PUBLIC_URL", async () => {
    const child = spawn(process.execPath, tsxArgs("addin/scripts/devHttps.ts"), {
      env: childEnv({ HOME: path.join(dir, "unused"), PUBLIC_URL: "http://localhost:3000" }),
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c) => (stderr += c));
    expect(await waitForExit(child)).to.equal(1);
    expect(stderr.trim()).to.equal(
      "dev:https: PUBLIC_URL is http://localhost:3000; dev:https needs an https:// URL (or leave it unset)",
    );
  });
});
