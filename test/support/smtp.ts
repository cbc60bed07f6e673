import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

export interface CapturedMail {
  envelopeTo: string[];
  /** The SMTP envelope sender (MAIL FROM); "" for the null sender. */
  envelopeFrom: string;
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpCatcher {
  port: number;
  url: string;
  mails: CapturedMail[];
  /** Answer the next DATA commands with this SMTP error code (e.g. 550 or 451). */
  rejectWith: number | null;
  /** Delay before accepting DATA, in ms. */
  delayMs: number;
  /**
   * While true, every message received waits for its 250 until it is false again. A message
   * whose client goes away before its 250 is not taken (RFC 5321 §6.1: the server takes
   * responsibility by sending the 250): not in `mails`, counted in `abandoned`.
   */
  hold: boolean;
  /** Messages received and waiting for their 250 (`hold`). */
  held: number;
  /** Messages whose client disconnected before their 250. */
  abandoned: number;
  /** SMTP connections accepted so far (a pooled client reuses a few for many mails). */
  connections: number;
  /** Most DATA commands in progress at once so far (several means deliveries in parallel). */
  maxParallel: number;
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) that parses what it receives with mailparser. */
export async function startSmtpCatcher(port = 0, options: Partial<SMTPServerOptions> = {}): Promise<SmtpCatcher> {
  const waiters: Array<() => void> = [];
  const closed = new Set<string>();
  let parallel = 0;
  const catcher: SmtpCatcher = {
    port: 0,
    url: "",
    mails: [],
    rejectWith: null,
    delayMs: 0,
    hold: false,
    held: 0,
    abandoned: 0,
    connections: 0,
    maxParallel: 0,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = catcher.mails.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error("expected e-mail did not arrive");
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Pooled clients keep connections open: close() ends them at once instead of after 30 s.
    closeTimeout: 100,
    onConnect(_session, callback) {
      catcher.connections += 1;
      callback();
    },
    onClose(session) {
      closed.add(session.id);
    },
    ...options,
    onData(stream, session, callback) {
      parallel += 1;
      catcher.maxParallel = Math.max(catcher.maxParallel, parallel);
      const done = (err?: Error) => {
        parallel -= 1;
        callback(err);
      };
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const finish = async () => {
          if (catcher.delayMs) await new Promise((r) => setTimeout(r, catcher.delayMs));
          if (catcher.rejectWith) {
            const err = new Error(`rejected with ${catcher.rejectWith}`) as Error & { responseCode: number };
            err.responseCode = catcher.rejectWith;
            return done(err);
          }
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          // Checked last, with nothing awaited between here and the 250: once `hold` is set, no
          // message is taken that was not taken already.
          if (catcher.hold) {
            catcher.held += 1;
            while (catcher.hold && !closed.has(session.id)) await new Promise((r) => setTimeout(r, 10));
            catcher.held -= 1;
          }
          if (closed.has(session.id)) {
            catcher.abandoned += 1;
            return done(new Error("client went away before the reply"));
          }
          const mailFrom = session.envelope.mailFrom;
          catcher.mails.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            envelopeFrom: mailFrom === false ? "" : mailFrom.address,
            raw,
            parsed,
          });
          waiters.splice(0).forEach((w) => w());
          done();
        };
        finish().catch((err: Error) => done(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  catcher.port = (server.server.address() as AddressInfo).port;
  catcher.url = `smtp://127.0.0.1:${catcher.port}`;
  return catcher;
}
