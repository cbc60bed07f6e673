import type { Transaction } from "sequelize";
import type { OrgPolicy } from "../models/Organisation.js";
import type { User } from "../models/User.js";
import { env } from "../env.js";
import { policiesFor } from "./orgPolicies.js";

/** Bounds within which an organisation may set its session timeouts (issue 10, *Policies*). */
export const sessionTimeoutBounds = {
  idleMinutes: { min: 5, max: 8 * 60 },
  absoluteHours: { min: 1, max: 24 },
} as const;

export interface SessionTimeouts {
  /** The organisation's idle timeout in seconds; null: the operator's SESSION_IDLE_TIMEOUT_SECONDS. */
  idleSeconds: number | null;
  /** Seconds from sign-in to the session's absolute end. */
  absoluteSeconds: number;
}

/** The timeouts a new session of a member of an organisation with `policy` gets. */
export function sessionTimeoutsOf(policy: OrgPolicy | null): SessionTimeouts {
  const idle = policy?.sessionIdleMinutes;
  const absolute = policy?.sessionAbsoluteHours;
  return {
    idleSeconds: typeof idle === "number" ? idle * 60 : null,
    absoluteSeconds: typeof absolute === "number" ? absolute * 60 * 60 : env().SESSION_ABSOLUTE_TIMEOUT_SECONDS,
  };
}

/** The timeouts for a new session of `user` (recipients outside an organisation get the operator's). */
export async function sessionTimeoutsFor(user: User, t: Transaction): Promise<SessionTimeouts> {
  return sessionTimeoutsOf(await policiesFor(user.organisationId, t));
}
