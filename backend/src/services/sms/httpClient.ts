import { DeliveryError } from "../delivery.js";

/** POSTs to an SMS provider and turns its answer into success or a classified DeliveryError. */
export async function postToProvider(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
      redirect: "error",
    });
  } catch (err) {
    const name = (err as Error).name;
    throw new DeliveryError(name === "TimeoutError" ? "SMS provider timed out" : "SMS provider unreachable", false);
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return text;
  // 408 and 429 are the provider asking us to come back later; other 4xx will never work.
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new DeliveryError(`SMS provider answered ${res.status}`, permanent);
}
