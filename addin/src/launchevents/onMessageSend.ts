/**
 * Smart Alerts (OnMessageSend, Mailbox 1.12): before Outlook sends a message the ordinary way,
 * check its subject, body and attachment names for sensitive content. Sensitive → stop the send
 * with a message in the user's language and a button that opens the Kuvert pane (Send
 * securely); harmless → let it go. Whether the user may still "send anyway" is set by the
 * manifest's SendMode (SoftBlock by default, Block by deployment) and, on Mailbox 1.14+, by the
 * org's Smart Alerts policy that the pane roams here (sendMode softBlock + allowSendAnyway →
 * sendModeOverride promptUser; sendMode block never offers it). Its keywords add to the checks.
 *
 * Every failure goes through handleError, and `event.completed` is called exactly once.
 */
import type { OfficeAdapter } from "../office/adapter.js";
import { checkMessage, type SensitivityFinding } from "#shared/sensitivity.js";
import { languageOf, listFindings, type Lang } from "#shared/findingText.js";
import { offersSendAnyway, parseSmartAlertsPolicy, type SmartAlertsPolicy } from "#shared/smartAlertsPolicy.js";

/** What the handler passes to event.completed (Office's SmartAlertsEventCompletedOptions). */
export interface SmartAlertsCompletion {
  allowEvent: boolean;
  errorMessage?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: "promptUser";
}

/** The Office event object handed to the handler (Office.MailboxEvent). */
export interface SendEventLike {
  completed(options: SmartAlertsCompletion): void;
}

/**
 * The organisation's Smart Alerts policy, which the task pane keeps in Outlook's roaming
 * settings (under policyKey) after sign-in: keywords, send mode and "Send anyway".
 */
export type SendPolicy = SmartAlertsPolicy;

export const policyKey = "kuvert.sendPolicy";
/** The compose button's Control id in manifest.xml: the alert's button opens this pane. */
export const composeCommandId = "kuvertComposeButton";
export const handlerTimeoutMs = 30_000;

const texts = {
  sv: {
    intro: "Meddelandet ser ut att innehålla känsliga uppgifter",
    outro: "Skicka det inte som vanlig e-post: välj Skicka säkert så krypteras det med Kuvert.",
    button: "Skicka säkert",
    error: "Kuvert kunde inte kontrollera meddelandet. Försök igen, eller välj Skicka säkert för att kryptera det.",
  },
  en: {
    intro: "This message seems to contain sensitive information",
    outro: "Don't send it as ordinary e-mail: choose Send securely to encrypt it with Kuvert.",
    button: "Send securely",
    error: "Kuvert could not check this message. Try again, or choose Send securely to encrypt it.",
  },
} as const;

/** The alert text: what was found (at most three items) and what to do. At most 500 characters. */
export function alertMessage(findings: SensitivityFinding[], lang: Lang): string {
  const t = texts[lang];
  const message = `${t.intro} (${listFindings(findings, lang)}). ${t.outro}`;
  return message.length <= 500 ? message : `${t.intro}. ${t.outro}`;
}

/** Reads the roamed org policy; anything malformed counts as "no extra policy". */
export function readPolicy(office: OfficeAdapter): SendPolicy {
  return parseSmartAlertsPolicy(office.getSetting<unknown>(policyKey));
}

/** Calls completed once, whatever happens after. */
function once(event: SendEventLike): SendEventLike {
  let done = false;
  return {
    completed(options) {
      if (done) return;
      done = true;
      event.completed(options);
    },
  };
}

/**
 * The one place failures end: stops the send with a message (Send securely stays offered) and
 * always completes the event. Never includes message content or error details in the text.
 */
export function handleError(event: SendEventLike, error: unknown, lang: Lang = "en"): void {
  void error; // deliberately not shown or logged: it may quote message content (S6)
  const t = texts[lang];
  event.completed({ allowEvent: false, errorMessage: t.error, cancelLabel: t.button, commandId: composeCommandId });
}

/** Rejects after `ms`; where a runtime has no timers, Outlook's own limit (5 min) applies. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (typeof setTimeout !== "function") return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The OnMessageSend handler (associated as "onMessageSendHandler"). */
export async function onMessageSend(
  rawEvent: SendEventLike,
  office: OfficeAdapter,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const event = once(rawEvent);
  let lang: Lang = "en";
  try {
    lang = languageOf(office.displayLanguage());
    const policy = readPolicy(office);
    const [subject, bodyHtml, attachments] = await withTimeout(
      // One Office call at a time (Outlook allows at most three in flight).
      (async () => [await office.getSubject(), await office.getBodyHtml(), await office.getAttachments()] as const)(),
      opts.timeoutMs ?? handlerTimeoutMs,
    );
    const report = checkMessage(
      { subject, bodyHtml, attachmentNames: attachments.map((a) => a.name) },
      { extraKeywords: policy.keywords },
    );
    if (!report.sensitive) {
      event.completed({ allowEvent: true });
      return;
    }
    const t = texts[lang];
    event.completed({
      allowEvent: false,
      errorMessage: alertMessage(report.findings, lang),
      cancelLabel: t.button,
      commandId: composeCommandId,
      ...(offersSendAnyway(policy) ? { sendModeOverride: "promptUser" as const } : {}),
    });
  } catch (err) {
    handleError(event, err, lang);
  }
}
