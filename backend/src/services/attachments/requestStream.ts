import { PassThrough, type Readable } from "node:stream";
import type { IncomingMessage } from "node:http";

/**
 * The request body as a stream that a failing pipeline may destroy without destroying the
 * request itself, so the server can still answer (e.g. 413) before closing the connection. A
 * client that goes away mid-upload errors the stream.
 */
export function requestBody(req: IncomingMessage): Readable {
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  const fail = () => {
    if (!req.complete) body.destroy(new Error("the client aborted the upload"));
  };
  req.once("error", fail);
  req.once("close", fail);
  req.pipe(body);
  return body;
}

/** Content-Length as a number, or null when absent (chunked) or not a clean integer. */
export function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers["content-length"];
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return null;
  return Number(raw);
}
