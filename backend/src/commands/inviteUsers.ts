import { Op, type Transaction } from "sequelize";
import { z } from "zod";
import { Invitation } from "../models/Invitation.js";
import { Organisation } from "../models/Organisation.js";
import { normaliseEmail, User, type Locale } from "../models/User.js";
import { manageableRoles, type ManageableRole } from "../policies/admin.js";
import { parsePhone } from "../services/phones.js";
import { clock } from "../services/clock.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { newInvitationToken, sendInvitationEmail } from "../services/invitations/invitationLink.js";

/** One person to invite, as typed in the form or read from a CSV row (unvalidated strings). */
export interface InviteeInput {
  email: string;
  mobile: string;
  name?: string | null;
  role: string;
  /** The person's Entra object id (Microsoft 365 directory import), recorded on the user row and the invitation. */
  directoryObjectId?: string | null;
}

/** Why a row cannot be invited; the admin page shows each with its line. */
export const inviteProblemReasons = [
  "email_invalid",
  "mobile_invalid",
  "role_invalid",
  "name_too_long",
  "duplicate_in_file",
  "user_exists",
  "invitation_exists",
] as const;
export type InviteProblemReason = (typeof inviteProblemReasons)[number];

export interface InviteProblem {
  /** Index into the rows given. */
  index: number;
  field: "email" | "mobile" | "role" | "name";
  reason: InviteProblemReason;
}

export type InviteResult = { ok: true; invitations: Invitation[] } | { ok: false; problems: InviteProblem[] };

interface PlannedRow {
  email: string;
  mobile: string;
  name: string | null;
  role: ManageableRole;
  /** The existing user row to use: an earlier invitee of this organisation, or a free recipient account. */
  user: User | null;
  directoryObjectId: string | null;
}

const emailSchema = z.email().max(320);

async function hasOpenInvitation(t: Transaction, organisationId: string, userId: string): Promise<boolean> {
  const open = await Invitation.count({
    where: { organisationId, userId, status: "pending", tokenExpiresAt: { [Op.gt]: clock.now() } },
    transaction: t,
  });
  return open > 0;
}

async function planRow(
  t: Transaction,
  organisationId: string,
  row: InviteeInput,
  index: number,
  seen: Set<string>,
): Promise<PlannedRow | InviteProblem> {
  const email = normaliseEmail(row.email ?? "");
  if (!emailSchema.safeParse(email).success) return { index, field: "email", reason: "email_invalid" };
  if (seen.has(email)) return { index, field: "email", reason: "duplicate_in_file" };
  seen.add(email);
  const phone = parsePhone(row.mobile ?? "");
  if (!phone) return { index, field: "mobile", reason: "mobile_invalid" };
  const role = (row.role ?? "").trim().toLowerCase();
  if (!(manageableRoles as readonly string[]).includes(role)) return { index, field: "role", reason: "role_invalid" };
  const name = row.name?.trim() || null;
  if (name && name.length > 200) return { index, field: "name", reason: "name_too_long" };
  const existing = await User.findOne({ where: { email }, transaction: t });
  if (existing) {
    const freeAccount =
      existing.role === "recipient" && existing.organisationId === null && existing.status !== "deactivated";
    const earlierInvitee = existing.status === "invited" && existing.organisationId === organisationId;
    if (!freeAccount && !earlierInvitee) return { index, field: "email", reason: "user_exists" };
    if (await hasOpenInvitation(t, organisationId, existing.id))
      return { index, field: "email", reason: "invitation_exists" };
  }
  return {
    email,
    mobile: phone.e164,
    name,
    role: role as ManageableRole,
    user: existing,
    directoryObjectId: row.directoryObjectId ?? null,
  };
}

/**
 * Invites people into an organisation (F23): from the admin's form, a CSV import or the CLI.
 * All or nothing: every row is checked first (valid address, number and role; not a member
 * already; no open invitation) and if any fails nothing is created and each problem is
 * returned with its row. Otherwise each person gets an unusable `invited` user row — or, for
 * an address with a free recipient account, that account is kept to move in with its keys and
 * messages on acceptance — and an invitation e-mail through the outbox, in `t`.
 */
export async function inviteUsers(
  t: Transaction,
  props: {
    organisationId: string;
    inviter: User | null;
    /** For new people: the inviting admin's language (a free account keeps its own). */
    locale: Locale;
    rows: InviteeInput[];
    source: "form" | "import" | "cli" | "directory";
    meta?: { ip: string | null; userAgent: string | null };
  },
): Promise<InviteResult> {
  const organisation = await Organisation.findByPk(props.organisationId, { transaction: t, lock: t.LOCK.UPDATE });
  if (!organisation) throw new Error(`organisation ${props.organisationId} not found`);
  const seen = new Set<string>();
  const planned: PlannedRow[] = [];
  const problems: InviteProblem[] = [];
  for (const [index, row] of props.rows.entries()) {
    const r = await planRow(t, organisation.id, row, index, seen);
    if ("reason" in r) problems.push(r);
    else planned.push(r);
  }
  if (problems.length > 0) return { ok: false, problems };

  const invitations: Invitation[] = [];
  for (const row of planned) {
    let user = row.user;
    if (!user) {
      user = await User.create(
        {
          organisationId: organisation.id,
          email: row.email,
          name: row.name,
          mobile: row.mobile,
          role: row.role,
          status: "invited",
          plan: organisation.plan === "basic" ? "basic" : "professional",
          locale: props.locale,
          passwordHash: null,
          directoryObjectId: row.directoryObjectId,
        },
        { transaction: t },
      );
    } else if (user.status === "invited") {
      await user.update(
        {
          name: row.name,
          mobile: row.mobile,
          role: row.role,
          ...(row.directoryObjectId ? { directoryObjectId: row.directoryObjectId } : {}),
        },
        { transaction: t },
      );
    }
    const existingAccount = user.role === "recipient";
    const { token, hash, expiresAt } = newInvitationToken();
    const invitation = await Invitation.create(
      {
        organisationId: organisation.id,
        userId: user.id,
        invitedById: props.inviter?.id ?? null,
        email: row.email,
        name: row.name ?? (existingAccount ? user.name : null),
        mobile: row.mobile,
        role: row.role,
        locale: existingAccount ? user.locale : props.locale,
        existingAccount,
        directoryObjectId: row.directoryObjectId,
        tokenHash: hash,
        tokenExpiresAt: expiresAt,
      },
      { transaction: t },
    );
    await sendInvitationEmail(t, invitation, token, organisation, props.inviter?.name ?? null);
    await recordAudit(t, {
      type: "invitation.sent",
      organisationId: organisation.id,
      userId: user.id,
      actorId: props.inviter?.id ?? null,
      ip: props.meta?.ip ?? null,
      userAgent: props.meta?.userAgent ?? null,
      data: { invitationId: invitation.id, role: row.role, existingAccount, source: props.source },
    });
    invitations.push(invitation);
  }
  return { ok: true, invitations };
}
