import pino from "pino";

/**
 * The one logger. Redaction is a second line of defence: code must never pass bodies,
 * codes, passwords or tokens to it in the first place (S6).
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  redact: {
    paths: [
      "*.password",
      "*.code",
      "*.token",
      "*.secret",
      "*.authorization",
      "*.cookie",
      "req.headers.authorization",
      "req.headers.cookie",
    ],
    censor: "[redacted]",
  },
  base: undefined,
});
