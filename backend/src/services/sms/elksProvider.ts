import type { SmsProvider } from "./provider.js";
import { postToProvider } from "./httpClient.js";

/** 46elks: form-encoded POST to /a1/sms with HTTP basic auth; answers JSON with an `id`. */
export function elksSmsProvider(opts: {
  url: string;
  username: string;
  password: string;
  from: string;
  timeoutMs: number;
}): SmsProvider {
  const auth = Buffer.from(`${opts.username}:${opts.password}`).toString("base64");
  return {
    name: "46elks",
    async send(sms) {
      const body = new URLSearchParams({ from: opts.from, to: sms.to, message: sms.message }).toString();
      const answer = await postToProvider(opts.url, {
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${auth}` },
        body,
        timeoutMs: opts.timeoutMs,
      });
      let id = sms.idempotencyKey;
      try {
        id = String((JSON.parse(answer) as { id?: string }).id ?? id);
      } catch {
        // 46elks always answers JSON; keep our own key if it did not.
      }
      return { providerId: id };
    },
  };
}
