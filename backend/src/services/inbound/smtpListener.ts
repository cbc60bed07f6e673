import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { logger } from "../../logger.js";
import { INBOUND_MAX_BYTES } from "./limits.js";
import { looksLikeReturnPath, messageIdFromReturnPath } from "./returnPath.js";

export interface InboundSmtpListener {
  port: number;
  close(): Promise<void>;
}

export interface InboundSmtpOptions {
  port: number;
  host?: string;
  maxBytes?: number;
  /** Parallel SMTP connections; more wait at TCP level. */
  maxClients?: number;
  /** Handles one accepted message; a rejection answers 451 so the MTA retries. */
  onMessage: (raw: Buffer, meta: { via: "smtp"; envelopeFrom: string; envelopeTo: string[] }) => Promise<unknown>;
}

interface SmtpError extends Error {
  responseCode: number;
}

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The inbound SMTP listener (smtp-server) that the organisation's MTA hands bounces,
 * auto-replies and replies to. Every message goes to `onMessage` (processInboundMail in the server); a message over
 * `maxBytes` is refused with 552, a processing failure with 451 (the MTA retries). A
 * return-path recipient (`bounce+…`) whose tag does not verify is refused at RCPT TO with 550.
 */
export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtpListener> {
  const maxBytes = opts.maxBytes ?? INBOUND_MAX_BYTES;
  const server = new SMTPServer({
    name: "kuvert-inbound",
    banner: "Kuvert inbound",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxBytes,
    maxClients: opts.maxClients ?? 20,
    socketTimeout: 60_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (looksLikeReturnPath(address.address) && !messageIdFromReturnPath(address.address)) {
        callback(smtpError(550, "No such recipient"));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.on("error", (err: Error) => callback(err));
      stream.on("end", () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          callback(smtpError(552, `Message exceeds the fixed maximum size of ${maxBytes} bytes`));
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        const envelopeFrom = mailFrom === false ? "" : mailFrom.address;
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        opts.onMessage(Buffer.concat(chunks), { via: "smtp", envelopeFrom, envelopeTo }).then(
          () => callback(),
          (err: Error) => {
            logger.error({ err: { name: err.name, message: err.message } }, "inbound mail could not be processed");
            callback(smtpError(451, "Temporary local problem, try again later"));
          },
        );
      });
    },
  });
  server.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "inbound smtp error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port }, "inbound smtp listening");
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
