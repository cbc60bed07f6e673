import path from "node:path";
import type { Env } from "../../env.js";
import type { SmsProvider } from "./provider.js";
import { fileSmsProvider } from "./fileProvider.js";
import { httpSmsProvider } from "./httpProvider.js";
import { elksSmsProvider } from "./elksProvider.js";

export type { SmsProvider, OutgoingSms } from "./provider.js";

/** The SMS provider named by SMS_PROVIDER. */
export function smsProviderFromEnv(e: Env): SmsProvider {
  switch (e.SMS_PROVIDER) {
    case "http":
      return httpSmsProvider({
        url: e.SMS_HTTP_URL!,
        token: e.SMS_HTTP_TOKEN,
        from: e.SMS_FROM,
        timeoutMs: e.SMS_HTTP_TIMEOUT_MS,
      });
    case "46elks":
      return elksSmsProvider({
        url: e.ELKS_API_URL,
        username: e.ELKS_API_USERNAME!,
        password: e.ELKS_API_PASSWORD!,
        from: e.SMS_FROM,
        timeoutMs: e.SMS_HTTP_TIMEOUT_MS,
      });
    case "file":
      return fileSmsProvider(path.join(e.VAR_DIR, "outbox"), e.SMS_FROM);
  }
}
