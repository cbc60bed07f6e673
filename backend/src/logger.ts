import pino from "pino";

/**
 * The one logger. Redaction is a second line of defence: code must never pass bodies,
 * codes, passwords or tokens to it in the first place (S6). Its level is LOG_LEVEL, set by
 * `setEnv` in env.ts when the configuration loads; nothing is logged before that.
 */
export const logger = pino({
  level: "silent",
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
