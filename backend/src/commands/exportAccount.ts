import type { Readable } from "node:stream";
import { transaction } from "../db.js";
import type { RequestMeta } from "../services/lockout.js";
import type { AuthState } from "../services/sessions.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { exportArchive } from "../services/account/exportArchive.js";

export interface ExportAccountProps {
  auth: AuthState;
  meta: RequestMeta;
}

/**
 * Exports the owner's data (F21): records `account.exported`, then returns the zip archive as a
 * stream, built while it is sent (outside any transaction).
 */
export async function exportAccount(props: ExportAccountProps): Promise<Readable> {
  const { user } = props.auth;
  await transaction((t) =>
    recordAudit(t, {
      type: "account.exported",
      organisationId: user.organisationId,
      userId: user.id,
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
    }),
  );
  return exportArchive({ auth: props.auth });
}
