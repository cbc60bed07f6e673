import { expect } from "chai";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { ChildProcess } from "node:child_process";
import { QueryTypes, Sequelize } from "sequelize";
import { ApiClient } from "../support/server.js";
import { runCli, startServerProcess, waitForExit } from "../support/processes.js";
import { testDatabase, type TestDatabase } from "../support/database.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";

/**
 * Issue 14: kill -9 the real server process (bin/start.js, on a database of its own: SQLite, or
 * a new MariaDB database with TEST_DB=mysql) 20 times in a bounded loop, restarting it each time:
 * every other time in the middle of a 200 MiB resumable upload (with a plain 200 MB upload in
 * the same request stream being cut off too), otherwise in the middle of a burst of sends while
 * the outbox delivers. Then:
 *  - every send answered 201 is there (no accepted message lost);
 *  - no notification reaches the SMTP server twice, and every queued one arrives;
 *  - the interrupted resumable upload resumes where it stopped and its bytes come back intact,
 *    the cut-off plain uploads are cleanly gone (no attachment row, no partial file once swept);
 *  - after the blob reaper and the orphan sweep have run (`kuvert blobs:sweep`), every file in
 *    the blob store is one a row points to.
 *
 * What "delivered twice" can mean here: the SMTP server takes responsibility for a message when
 * it sends its 250 (RFC 5321 §6.1). Each kill is made while the test SMTP server holds its 250s
 * back and every message it did acknowledge is recorded `sent` in the outbox, so every delivery
 * in flight at the kill is one the server has not accepted: the worker must send it again after
 * the lease, and must not send any recorded one again. (A kill in the milliseconds between a
 * 250 and the `sent` write would make that one e-mail go out twice after the lease, as with any
 * SMTP client: docs/operations.md.)
 */
const ITERATIONS = 20;
const MiB = 1024 * 1024;
const UPLOAD_SIZE = 200 * MiB;
const SENDS_PER_BURST = 12;
const PASSWORD = "Correct7horse-battery";

/** Chunk `n` of the resumable upload: a fixed random MiB, stamped with the chunk and MiB index. */
function chunkBytes(block: Buffer, n: number, chunkSize: number, size: number): Buffer {
  const length = Math.min(chunkSize, size - n * chunkSize);
  const out = Buffer.allocUnsafe(length);
  for (let off = 0; off < length; off += MiB) {
    block.copy(out, off, 0, Math.min(MiB, length - off));
    out.writeUInt32BE(n, off);
    out.writeUInt32BE(off / MiB, off + 4);
  }
  return out;
}

async function until(what: string, ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("slow: kill -9 the server 20 times during uploads and sends", function () {
  this.timeout(600_000);
  let db: TestDatabase;
  let sql: Sequelize;
  let smtp: SmtpCatcher;
  let varDir: string;
  let server: { child: ChildProcess; url: string } | undefined;

  before(async () => {
    varDir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-kill-"));
    db = await testDatabase();
    smtp = await startSmtpCatcher();
  });

  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      await waitForExit(server.child);
    }
    await sql?.close();
    await smtp?.close();
    await db?.drop();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  });

  it("loses no accepted message, delivers no notification twice, resumes the upload, leaves no orphan blob", async () => {
    const started = Date.now();
    const blobDir = path.join(varDir, "blobs");
    const env = {
      DATABASE_URL: db.url,
      MASTER_KEY: crypto.randomBytes(32).toString("base64"),
      VAR_DIR: varDir,
      BLOB_STORE: `file:${blobDir}`,
      SMTP_URL: smtp.url,
      PUBLIC_URL: "http://kuvert.test",
      WORKER_INTERVAL_MS: "100",
      OUTBOX_BACKOFF_BASE_MS: "200",
      OUTBOX_BACKOFF_CAP_MS: "1000",
      // A delivery cut off by a kill is claimed again after this.
      OUTBOX_LEASE_MS: "2000",
      RATE_LIMIT_LOGIN_IP_POINTS: "100000",
      RATE_LIMIT_LOGIN_ACCOUNT_POINTS: "100000",
      RATE_LIMIT_SEND_USER_POINTS: "100000",
      RATE_LIMIT_SEND_ORG_POINTS: "100000",
      RATE_LIMIT_API_USER_POINTS: "100000",
      RATE_LIMIT_DRAFT_USER_POINTS: "100000",
      RATE_LIMIT_UPLOAD_USER_POINTS: "100000",
    };
    server = await startServerProcess(env, 120_000); // migrates the empty database
    sql = new Sequelize(db.url, { logging: false });
    const cli = async (args: string[]) => {
      const r = await runCli(args, env);
      expect(r.code, r.stderr).to.equal(0);
      return r.stdout;
    };
    await cli(["org:create", "--name", "Kill kommun"]);
    for (const [i, who] of ["sender", "reader"].entries()) {
      await cli([
        ...["user:create", "--org", "Kill kommun", "--email", `${who}@kill.test`],
        ...["--mobile", `+4670123457${i}`, "--password", PASSWORD],
      ]);
    }
    let api = new ApiClient(server.url);
    const signIn = async () => {
      api = new ApiClient(server!.url);
      const login = await api.post("/api/auth/login", { email: "sender@kill.test", password: PASSWORD });
      expect(login.status, login.text).to.equal(200);
    };
    await signIn();

    const draft = await api.post<{ id: string }>("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    const draftId = draft.body.id;
    const start = await api.post<{ id: string; chunkSize: number; chunks: number }>(
      `/api/messages/${draftId}/attachments/uploads`,
      { name: "arkiv.bin", type: "application/octet-stream", size: UPLOAD_SIZE },
    );
    expect(start.status, start.text).to.equal(201);
    const upload = start.body;
    const block = crypto.randomBytes(MiB);
    const chunk = (n: number) => chunkBytes(block, n, upload.chunkSize, UPLOAD_SIZE);
    const uploadPath = `/api/messages/${draftId}/attachments/uploads/${upload.id}`;
    const missing = async (): Promise<number[]> => {
      const state = await api.get<{ received: number[]; chunks: number }>(uploadPath);
      expect(state.status, state.text).to.equal(200);
      const got = new Set(state.body.received);
      return Array.from({ length: state.body.chunks }, (_, i) => i).filter((i) => !got.has(i));
    };
    const putChunk = (n: number) =>
      api.request("PUT", `${uploadPath}/chunks/${n}`, chunk(n), { "Content-Type": "application/octet-stream" });

    /**
     * A plain (one request) upload of `size` bytes at about 100 MB/s, which the kill usually cuts
     * off; resolves with the attachment's id once answered 201, or null (cut off).
     */
    const plainUpload = (size: number): Promise<string | null> =>
      new Promise((resolve) => {
        let left = size;
        const body = new Readable({
          read() {
            if (left <= 0) return void this.push(null);
            const n = Math.min(left, MiB);
            left -= n;
            setTimeout(() => this.push(block.subarray(0, n)), 10);
          },
        });
        const req = http.request(`${server!.url}/api/messages/${draftId}/attachments`, {
          method: "POST",
          headers: {
            Cookie: api.cookieHeader(),
            "X-CSRF-Token": api.cookies.get("kuvert_csrf") ?? "",
            "Content-Type": "application/octet-stream",
            "X-File-Name": "avbruten.bin",
          },
        });
        req.on("response", (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () =>
            resolve(res.statusCode === 201 ? (JSON.parse(Buffer.concat(parts).toString()) as { id: string }).id : null),
          );
          res.on("error", () => resolve(null));
        });
        req.on("error", () => resolve(null));
        body.on("error", () => undefined);
        body.pipe(req);
      });

    /** Message-IDs the SMTP server acknowledged whose outbox row is not `sent` yet. */
    const acknowledgedNotRecorded = async (): Promise<string[]> => {
      const rows = await sql.query<{ message_id: string }>(
        "SELECT message_id FROM outbox_entries WHERE status = 'sent'",
        { type: QueryTypes.SELECT },
      );
      const sent = new Set(rows.map((r) => r.message_id));
      return smtp.mails.map((m) => m.parsed.messageId ?? "").filter((id) => !sent.has(id));
    };

    /** kill -9 once the SMTP server holds its replies and everything it acknowledged is recorded. */
    const kill = async () => {
      smtp.hold = true;
      await until(
        "acknowledged deliveries recorded",
        30_000,
        async () => (await acknowledgedNotRecorded()).length === 0,
      );
      server!.child.kill("SIGKILL");
      await waitForExit(server!.child);
      // The held messages' connections are dead: each is dropped, not taken, before the hold ends.
      await until("held messages dropped", 30_000, () => smtp.held === 0);
      smtp.hold = false;
    };

    const accepted: string[] = [];
    let sendNo = 0;
    const plainUploads: Array<string | null> = [];
    let uploadKills = 0;
    let burstKills = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      if (i % 2 === 0) {
        // In the middle of the uploads: a chunk or two go through, the next is cut off, and a
        // plain upload of 200 MB is on its way at the same time.
        const todo = await missing();
        const plain = plainUpload(UPLOAD_SIZE);
        for (const n of todo.slice(0, 1 + (i % 3))) {
          const r = await putChunk(n);
          expect(r.status, r.text).to.equal(200);
        }
        const cut = todo[1 + (i % 3)];
        const inFlight = cut === undefined ? Promise.resolve() : putChunk(cut).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50 + ((i * 37) % 200)));
        await kill();
        await inFlight;
        plainUploads.push(await plain);
        uploadKills += 1;
      } else {
        // In the middle of a burst of sends, while the outbox delivers (held at the SMTP server).
        smtp.hold = true;
        const burst = Array.from({ length: SENDS_PER_BURST }, () => {
          const subject = `Ärende ${++sendNo}`;
          return api
            .post<{ id: string }>("/api/messages", { to: [{ email: "reader@kill.test" }], subject, body: "b" })
            .then((r) => {
              if (r.status === 201) accepted.push(r.body.id);
              else expect(r.status, r.text).to.be.oneOf([503]);
            })
            .catch(() => undefined); // cut off by the kill: not accepted
        });
        await until("a delivery in flight", 30_000, () => smtp.held > 0);
        await kill();
        await Promise.all(burst);
        burstKills += 1;
      }
      server = await startServerProcess(env, 60_000);
      await signIn();
    }
    const loopSeconds = (Date.now() - started) / 1000;

    // The upload resumes: only the missing chunks are sent again, then it commits.
    for (const n of await missing()) {
      const r = await putChunk(n);
      expect(r.status, r.text).to.equal(200);
    }
    const commit = await api.post<{ id: string; size: number }>(`${uploadPath}/commit`);
    expect(commit.status, commit.text).to.equal(201);
    const want = crypto.createHash("sha256");
    for (let n = 0; n < upload.chunks; n++) want.update(chunk(n));
    const got = crypto.createHash("sha256");
    let bytes = 0;
    const download = await fetch(`${server.url}/api/messages/${draftId}/attachments/${commit.body.id}`, {
      headers: { Cookie: api.cookieHeader() },
    });
    expect(download.status).to.equal(200);
    for await (const c of download.body as unknown as AsyncIterable<Uint8Array>) {
      got.update(c);
      bytes += c.length;
    }
    expect(bytes).to.equal(UPLOAD_SIZE);
    expect(got.digest("hex"), "the resumed upload's bytes").to.equal(want.digest("hex"));

    // The cut-off plain uploads are cleanly gone: the draft has the resumed attachment and the
    // plain uploads that were answered 201 before their kill, nothing else.
    const finished = plainUploads.filter((id): id is string => id !== null);
    expect(plainUploads.length - finished.length, "plain uploads cut off by a kill").to.be.greaterThan(0);
    const rows = await sql.query<{ id: string }>("SELECT id FROM attachments WHERE message_id = :draftId", {
      replacements: { draftId },
      type: QueryTypes.SELECT,
    });
    expect(rows.map((r) => r.id).sort()).to.deep.equal([commit.body.id, ...finished].sort());

    // Every accepted send is there.
    expect(accepted.length, "sends accepted").to.be.greaterThan(ITERATIONS);
    const stored = await sql.query<{ id: string }>("SELECT id FROM messages WHERE id IN (:ids)", {
      replacements: { ids: accepted },
      type: QueryTypes.SELECT,
    });
    expect(stored.map((r) => r.id).sort(), "every message answered 201").to.deep.equal([...accepted].sort());
    const opened = await api.get(`/api/messages/${accepted[accepted.length - 1]}`);
    expect(opened.status, opened.text).to.equal(200);

    // Every notification arrives, each exactly once.
    await until("the outbox to drain", 90_000, async () => {
      const open = await sql.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_entries WHERE status <> 'sent'", {
        type: QueryTypes.SELECT,
      });
      return Number(open[0].n) === 0;
    });
    const outbox = await sql.query<{ message_id: string }>("SELECT message_id FROM outbox_entries", {
      type: QueryTypes.SELECT,
    });
    const ids = smtp.mails.map((m) => m.parsed.messageId);
    expect(new Set(ids).size, "no Message-ID twice at the SMTP server").to.equal(ids.length);
    for (const r of outbox)
      expect(
        ids.filter((id) => id === r.message_id),
        r.message_id,
      ).to.have.length(1);
    const toReader = smtp.mails.filter((m) => m.envelopeTo[0] === "reader@kill.test").length;
    expect(toReader, "a notification for every accepted send").to.be.at.least(accepted.length);
    expect(smtp.abandoned, "deliveries cut off by a kill (sent again afterwards)").to.be.greaterThan(0);

    // Stopped, then the reaper and the orphan sweep: every file in the store is a row's blob.
    const child = server.child;
    child.kill("SIGTERM");
    expect(await waitForExit(child), "SIGTERM: exit 0").to.equal(0);
    const filesBefore = fs.readdirSync(path.join(blobDir, "se"));
    expect(filesBefore.filter((f) => f.endsWith(".tmp")).length, "partial writes left by the kills").to.be.greaterThan(
      0,
    );
    const sweep = JSON.parse(await cli(["blobs:sweep", "--older-than-minutes", "0"])) as { orphans: number };
    expect(sweep.orphans).to.be.greaterThan(0);
    const keys = new Set<string>();
    for (const r of await sql.query<{ blob_key: string }>("SELECT blob_key FROM attachments", {
      type: QueryTypes.SELECT,
    }))
      keys.add(r.blob_key);
    for (const r of await sql.query<{ chunks: string | null }>("SELECT chunks FROM attachment_uploads", {
      type: QueryTypes.SELECT,
    })) {
      for (const c of JSON.parse(r.chunks ?? "[]") as Array<string | { key: string } | null>)
        if (c) keys.add(typeof c === "string" ? c : c.key);
    }
    for (const r of await sql.query<{ blob_key: string }>("SELECT blob_key FROM blob_deletions", {
      type: QueryTypes.SELECT,
    }))
      keys.add(r.blob_key);
    const files = fs
      .readdirSync(blobDir)
      .flatMap((region) => fs.readdirSync(path.join(blobDir, region)).map((f) => `${region}/${f}`));
    expect(files.sort(), "every blob on disk is a row's").to.deep.equal([...keys].sort());
    expect(uploadKills + burstKills).to.equal(ITERATIONS);
    // About 3 minutes on SQLite and 5 on MariaDB on 2 busy cores (load 13), most of it restarts.
    expect(loopSeconds, "the loop is bounded").to.be.below(420);
  });
});
