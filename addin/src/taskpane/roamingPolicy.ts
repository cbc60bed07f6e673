/**
 * Smart Alerts policy via roaming settings (issue 12): the OnMessageSend handler runs without a
 * Kuvert sign-in, so the pane, once signed in, fetches the organisation's policy
 * (GET /api/addin/settings) and keeps it in Office.context.roamingSettings under policyKey,
 * where the handler reads it (launchevents/onMessageSend.ts). Roaming settings hold at most
 * 32 KB per add-in: keywords that do not fit are left out, last first.
 */
import type { OfficeAdapter } from "../office/adapter.js";
import { policyKey } from "../launchevents/onMessageSend.js";
import { parseSmartAlertsPolicy, type SmartAlertsPolicy } from "#shared/smartAlertsPolicy.js";
import { apiJson, type KuvertApi } from "./api.js";

/** Office's limit for one add-in's roaming settings. */
export const ROAMING_LIMIT_BYTES = 32 * 1024;
/** What the policy may take: the rest of the 32 KB stays free for Office's own bookkeeping. */
export const POLICY_BUDGET_BYTES = 30 * 1024;

function size(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** The policy as it is stored: keywords dropped from the end until it fits `budget` bytes of JSON. */
export function fitPolicy(policy: SmartAlertsPolicy, budget = POLICY_BUDGET_BYTES): SmartAlertsPolicy {
  const out = { ...policy, keywords: [...policy.keywords] };
  while (out.keywords.length > 0 && size({ [policyKey]: out }) > budget) out.keywords.pop();
  return out;
}

/** Stores `policy` in roaming settings (saved only when it changed); returns what was stored. */
export async function roamPolicy(office: OfficeAdapter, policy: SmartAlertsPolicy): Promise<SmartAlertsPolicy> {
  const fitted = fitPolicy(parseSmartAlertsPolicy(policy));
  const current = office.getSetting<unknown>(policyKey);
  if (JSON.stringify(current) === JSON.stringify(fitted)) return fitted;
  office.setSetting(policyKey, fitted);
  await office.saveSettings();
  return fitted;
}

/** Fetches the organisation's policy and roams it (the pane calls this after sign-in). */
export async function syncSmartAlertsPolicy(office: OfficeAdapter, api: KuvertApi): Promise<SmartAlertsPolicy> {
  const settings = await apiJson<{ smartAlerts?: unknown }>(api, "GET", "/api/addin/settings");
  return roamPolicy(office, parseSmartAlertsPolicy(settings.smartAlerts));
}
