import type { Organisation, OrgPolicy } from "../../models/Organisation.js";
import { policyFrom, type LockoutPolicy } from "../lockout.js";
import { parseSmartAlertsPolicy, type SmartAlertsPolicy } from "#shared/smartAlertsPolicy.js";
import { parseSubjectRule, type OrgSubjectRule } from "#shared/subjectWarning.js";
import { applyMessagePolicy, optionNames, parseMessagePolicy, type OptionName } from "../messages/orgPolicy.js";

/**
 * The organisation policies an admin sets in the console (issue 10, *Policies*): the ones the
 * product enforces today, read as they take effect (defaults filled in).
 */
export interface AdminPolicies {
  zeroAccess: boolean;
  /** Staff and admins must turn on two-step verification at their next sign-in. */
  requireSecondFactor: boolean;
  lockout: LockoutPolicy;
  messages: {
    /** Each security function's default for a new message. */
    defaults: Record<OptionName, boolean>;
    /** Functions always on, whatever the sender chooses. */
    forced: OptionName[];
    /** Days until a new message expires unless the sender chooses; null: no default expiry. */
    defaultExpiryDays: number | null;
    /** Longest a message may live, in days; null: no limit. */
    longestExpiryDays: number | null;
  };
  /** Notification e-mails show the real subject instead of a neutral one. */
  subjectInNotifications: boolean;
  /** Session timeouts; null members: the operator's defaults. */
  sessions: { idleMinutes: number | null; absoluteHours: number | null };
  /** Largest attachment in MB (never above the plan's); null: the plan's. */
  attachmentMaxMb: number | null;
  /** The Outlook add-in's Smart Alerts check (keywords, send mode, "Send anyway"); the pane roams it to Outlook. */
  smartAlerts: SmartAlertsPolicy;
  /** F24: subjects that look like personal data (or hold an organisation keyword) are warned about, forbidden, or not checked. */
  subjectRule: OrgSubjectRule;
}

const numberOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** The organisation's policies as they apply now. */
export function adminPoliciesOf(policy: OrgPolicy): AdminPolicies {
  const messages = parseMessagePolicy(policy.messages);
  const effective = applyMessagePolicy({ ...messages, forced: [] }, {});
  const defaults = Object.fromEntries(optionNames.map((n) => [n, effective[n]])) as Record<OptionName, boolean>;
  return {
    zeroAccess: policy.zeroAccess === true,
    requireSecondFactor: policy.requireSecondFactor === true,
    lockout: policyFrom(policy),
    messages: {
      defaults,
      forced: messages.forced,
      defaultExpiryDays: messages.defaultExpiryDays,
      longestExpiryDays: messages.longestExpiryDays,
    },
    subjectInNotifications: policy.subjectInNotifications === true,
    sessions: {
      idleMinutes: numberOrNull(policy.sessionIdleMinutes),
      absoluteHours: numberOrNull(policy.sessionAbsoluteHours),
    },
    attachmentMaxMb: numberOrNull(policy.attachmentMaxMb),
    smartAlerts: parseSmartAlertsPolicy(policy.smartAlerts),
    subjectRule: parseSubjectRule(policy.subjectRule),
  };
}

/** A change to the policies; every member optional (only what is given changes). */
export interface AdminPoliciesPatch {
  zeroAccess?: boolean;
  requireSecondFactor?: boolean;
  lockout?: Partial<LockoutPolicy>;
  messages?: Partial<AdminPolicies["messages"]>;
  subjectInNotifications?: boolean;
  sessions?: Partial<AdminPolicies["sessions"]>;
  attachmentMaxMb?: number | null;
  smartAlerts?: Partial<SmartAlertsPolicy>;
  subjectRule?: Partial<OrgSubjectRule>;
}

/** Sets `key` to `value`, or removes it for null (the default applies again). */
function setOrClear(policy: OrgPolicy, key: string, value: number | null | undefined): void {
  if (value === undefined) return;
  if (value === null) delete policy[key];
  else policy[key] = value;
}

/**
 * The stored policy JSON after `patch` (zero-access aside: setZeroAccess switches it). Keys
 * the console does not manage (signature, …) are kept as they are.
 */
export function applyPoliciesPatch(org: Organisation, patch: AdminPoliciesPatch): OrgPolicy {
  const current = adminPoliciesOf(org.policy);
  const next: OrgPolicy = { ...org.policy };
  if (patch.lockout) {
    const l = { ...current.lockout, ...patch.lockout };
    next.lockoutThreshold = l.threshold;
    next.lockoutMode = l.mode;
    next.lockoutBaseDelaySeconds = l.baseDelaySeconds;
  }
  if (patch.messages) {
    const m = { ...current.messages, ...patch.messages };
    const stored = (typeof org.policy.messages === "object" && org.policy.messages) || {};
    next.messages = {
      ...stored,
      defaults: m.defaults,
      forced: m.forced,
      defaultExpiryDays: m.defaultExpiryDays,
      longestExpiryDays: m.longestExpiryDays,
    };
  }
  if (patch.subjectInNotifications !== undefined) next.subjectInNotifications = patch.subjectInNotifications;
  if (patch.requireSecondFactor !== undefined) next.requireSecondFactor = patch.requireSecondFactor;
  setOrClear(next, "sessionIdleMinutes", patch.sessions?.idleMinutes);
  setOrClear(next, "sessionAbsoluteHours", patch.sessions?.absoluteHours);
  setOrClear(next, "attachmentMaxMb", patch.attachmentMaxMb);
  if (patch.smartAlerts) next.smartAlerts = parseSmartAlertsPolicy({ ...current.smartAlerts, ...patch.smartAlerts });
  if (patch.subjectRule) next.subjectRule = parseSubjectRule({ ...current.subjectRule, ...patch.subjectRule });
  return next;
}
