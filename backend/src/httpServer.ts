import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import type Koa from "koa";
import { appError, type AppError } from "./errors.js";

/**
 * What Node's HTTP parser refuses before the app sees the request (a request line or headers
 * over the 16 KiB limit, a malformed request) leaves as the same `{error, message}` JSON as
 * every other error, not as Node's empty 400/431.
 */
function parserError(err: NodeJS.ErrnoException): AppError {
  if (err.code === "HPE_HEADER_OVERFLOW") return appError("request_headers_too_large");
  return appError("bad_request", "The request could not be read");
}

/**
 * The HTTP server for the Koa app (production and tests alike); with `tls` it speaks HTTPS itself
 * (HTTPS_CERT_FILE/HTTPS_KEY_FILE; Koa's ctx.secure is then true).
 */
export function createHttpServer(app: Koa, tls?: { cert: Buffer; key: Buffer } | null): http.Server {
  const server: http.Server = tls ? https.createServer(tls, app.callback()) : http.createServer(app.callback());
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const e = parserError(err);
    const body = JSON.stringify({ error: e.id, message: e.message });
    socket.end(
      `HTTP/1.1 ${e.status} ${http.STATUS_CODES[e.status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
