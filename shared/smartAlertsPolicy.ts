/**
 * The organisation's Smart Alerts policy (issue 12): set by an admin (Policies page), handed by
 * the task pane to Outlook's roaming settings, read there by the OnMessageSend handler (which
 * has no sign-in of its own). Pure: used by the backend, the pane and the launch-event runtime.
 */
export const smartAlertsSendModes = ["softBlock", "block"] as const;
export type SmartAlertsSendMode = (typeof smartAlertsSendModes)[number];

export interface SmartAlertsPolicy {
  /** Organisation keywords that make a message sensitive, added to the built-in checks. */
  keywords: string[];
  /**
   * "softBlock" (default): a sensitive message is stopped with the alert; "block": likewise, and
   * the alert never offers "Send anyway" (whatever allowSendAnyway says).
   */
  sendMode: SmartAlertsSendMode;
  /** With softBlock: the alert offers "Send anyway" (Mailbox 1.14 sendModeOverride promptUser). */
  allowSendAnyway: boolean;
}

export const smartAlertsLimits = { keywords: 200, keywordLength: 100 } as const;

export const defaultSmartAlertsPolicy: SmartAlertsPolicy = {
  keywords: [],
  sendMode: "softBlock",
  allowSendAnyway: false,
};

/** Reads a stored or roamed policy defensively: anything malformed is left out. */
export function parseSmartAlertsPolicy(raw: unknown): SmartAlertsPolicy {
  if (!raw || typeof raw !== "object") return { ...defaultSmartAlertsPolicy, keywords: [] };
  const r = raw as Record<string, unknown>;
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const k of Array.isArray(r.keywords) ? r.keywords : []) {
    if (typeof k !== "string") continue;
    const word = k.trim();
    if (!word || word.length > smartAlertsLimits.keywordLength || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    keywords.push(word);
    if (keywords.length === smartAlertsLimits.keywords) break;
  }
  return {
    keywords,
    sendMode: r.sendMode === "block" ? "block" : "softBlock",
    allowSendAnyway: r.allowSendAnyway === true,
  };
}

/** Whether the alert offers "Send anyway". */
export function offersSendAnyway(policy: SmartAlertsPolicy): boolean {
  return policy.sendMode !== "block" && policy.allowSendAnyway;
}
