import type { SmsProvider } from "./provider.js";
import { postToProvider } from "./httpClient.js";

/** The generic provider from DESIGN.md: JSON `{from,to,message}` with a bearer token; any 2xx is delivered. */
export function httpSmsProvider(opts: { url: string; token?: string; from: string; timeoutMs: number }): SmsProvider {
  return {
    name: "http",
    async send(sms) {
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        "Idempotency-Key": sms.idempotencyKey,
      };
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      await postToProvider(opts.url, {
        headers,
        body: JSON.stringify({ from: opts.from, to: sms.to, message: sms.message }),
        timeoutMs: opts.timeoutMs,
      });
      return { providerId: sms.idempotencyKey };
    },
  };
}
