import type { Readable } from "node:stream";
import type { Transaction } from "sequelize";
import { transaction } from "../db.js";
import type { RequestMeta } from "../services/lockout.js";
import type { AuthState } from "../services/sessions.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { exportArchive } from "../services/account/exportArchive.js";
import { verifySecret } from "../services/passwords.js";
import { availableMethods, type SecondFactorMethod } from "../services/secondFactor.js";
import { confirmSecurityChange } from "./confirmSecurityChange.js";

export interface ExportAccountProps {
  /** A signed-in browser session (the route refuses API tokens). */
  auth: AuthState;
  meta: RequestMeta;
  /** A second factor; required when the user has any. */
  factor?: { method: SecondFactorMethod; code: string };
  /** The password; required (only) when the user has no second factor. */
  password?: string;
}

export type ExportAccountResult =
  | { kind: "exported"; archive: Readable }
  | { kind: "verification_required" }
  | { kind: "invalid_code" }
  | { kind: "invalid_password" };

type Confirmed = Exclude<ExportAccountResult, { kind: "exported" }> | { kind: "confirmed" };

async function confirmExport(t: Transaction, props: ExportAccountProps): Promise<Confirmed> {
  const { user } = props.auth;
  const { meta } = props;
  const audit = { type: "account.exported" };
  if ((await availableMethods(user, t)).length > 0) {
    if (!props.factor) return { kind: "verification_required" };
    const result = await confirmSecurityChange(t, {
      user,
      meta,
      factor: props.factor,
      change: async () => ({ value: null, audit: [audit] }),
    });
    return result.kind === "changed" ? { kind: "confirmed" } : { kind: "invalid_code" };
  }
  if (!props.password) return { kind: "verification_required" };
  const ok = await verifySecret(props.password, user.passwordHash);
  await recordAudit(t, {
    type: ok ? audit.type : "account.export_failed",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    ...(ok ? {} : { data: { reason: "password" } }),
  });
  return ok ? { kind: "confirmed" } : { kind: "invalid_password" };
}

/**
 * Exports the owner's data (F21) after a fresh confirmation (issue 13): a second factor when
 * the user has one, else the password. Records `account.exported`, then returns the zip
 * archive as a stream, built while it is sent (outside any transaction). A wrong code or
 * password is a result value; its spent try and audit event are committed.
 */
export async function exportAccount(props: ExportAccountProps): Promise<ExportAccountResult> {
  const confirmed = await transaction((t) => confirmExport(t, props));
  if (confirmed.kind !== "confirmed") return confirmed;
  return { kind: "exported", archive: exportArchive({ auth: props.auth }) };
}
