import fs from "node:fs/promises";
import path from "node:path";
import type { SmsProvider } from "./provider.js";

/** Development provider: one JSON line per SMS in `<dir>/sms.jsonl`. */
export function fileSmsProvider(dir: string, from: string): SmsProvider {
  const file = path.join(dir, "sms.jsonl");
  return {
    name: "file",
    async send(sms) {
      await fs.mkdir(dir, { recursive: true });
      const line = JSON.stringify({
        at: new Date().toISOString(),
        from,
        to: sms.to,
        message: sms.message,
        id: sms.idempotencyKey,
      });
      await fs.appendFile(file, line + "\n", { mode: 0o600 });
      return { providerId: sms.idempotencyKey };
    },
  };
}
