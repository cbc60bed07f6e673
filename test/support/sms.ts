import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedSms {
  from: string;
  to: string;
  message: string;
  authorization: string | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
}

export interface SmsCatcher {
  url: string;
  messages: CapturedSms[];
  requests: number;
  /** Statuses to answer the next requests with, in order (then 200). */
  failWith: number[];
  /** Hang this many next requests (never answer) to provoke client time-outs. */
  hang: number;
  lastCodeFor(to: string): string | undefined;
  /** The code of the next SMS to `to` not returned before (waits for it). */
  waitForCode(to: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for the `http` SMS provider (JSON {from,to,message}). */
export async function startSmsCatcher(): Promise<SmsCatcher> {
  const consumed = new Set<number>();
  const catcher: SmsCatcher = {
    url: "",
    messages: [],
    requests: 0,
    failWith: [],
    hang: 0,
    lastCodeFor(to) {
      const m = [...catcher.messages].reverse().find((s) => s.to === to);
      return m ? /\b(\d{6})\b/.exec(m.message)?.[1] : undefined;
    },
    async waitForCode(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = catcher.messages.findIndex((m, i) => m.to === to && !consumed.has(i));
        if (index >= 0) {
          consumed.add(index);
          const code = /\b(\d{6})\b/.exec(catcher.messages[index].message)?.[1];
          if (code) return code;
          continue;
        }
        if (Date.now() > deadline) throw new Error(`no SMS code arrived for ${to}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      catcher.requests += 1;
      if (catcher.hang > 0) {
        catcher.hang -= 1;
        return; // never answer
      }
      const status = catcher.failWith.shift();
      if (status) {
        res.writeHead(status, { "Content-Type": "application/json" }).end('{"error":"provider"}');
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          from: string;
          to: string;
          message: string;
        };
        catcher.messages.push({
          ...body,
          authorization: req.headers.authorization,
          contentType: req.headers["content-type"],
          idempotencyKey: req.headers["idempotency-key"] as string | undefined,
        });
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"queued"}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  catcher.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  return catcher;
}
