import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { appError } from "../../errors.js";
import { env } from "../../env.js";
import { Invitation } from "../../models/Invitation.js";
import { Organisation } from "../../models/Organisation.js";
import { User } from "../../models/User.js";
import { enqueueEmail } from "../../outbox/enqueue.js";
import { clock } from "../clock.js";
import { hashLinkToken, linkTokenPattern, newLinkToken } from "../messages/linkTokens.js";

/** What the admin sees: the stored status, with `expired` for a pending invitation past its time. */
export const invitationStatuses = ["pending", "accepted", "declined", "expired", "revoked"] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

/** Wrong SMS codes an invitation takes in all; then it is locked until the admin resends it (S3). */
export const INVITATION_MAX_CODE_FAILURES = 20;
/** The cookie that binds the password step to the browser that entered the SMS code. */
export const INVITATION_VERIFY_COOKIE = "kuvert_invitation";
/** How long after the code the password may be chosen. */
export const INVITATION_VERIFY_WINDOW_MS = 30 * 60 * 1000;

export const InvalidInvitationError = () => appError("invalid_invitation");
export const InvitationExpiredError = () => appError("invitation_expired");
export const InvitationRevokedError = () => appError("invitation_revoked");
export const InvitationUsedError = () => appError("invitation_used");
export const InvitationLockedError = () => appError("invitation_locked");

export function invitationStatusOf(invitation: Invitation, now = clock.now()): InvitationStatus {
  if (invitation.status === "pending" && invitation.tokenExpiresAt.getTime() <= now.getTime()) return "expired";
  return invitation.status;
}

/** A fresh link token and its expiry (INVITATION_TTL_DAYS from now). Only the hash is stored. */
export function newInvitationToken(now = clock.now()): { token: string; hash: string; expiresAt: Date } {
  const { token, hash } = newLinkToken();
  return { token, hash, expiresAt: new Date(now.getTime() + env().INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000) };
}

export function invitationUrl(token: string): string {
  return `${env().PUBLIC_URL}/invitation/${token}`;
}

export function hashVerifySecret(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("hex");
}

export interface OpenInvitation {
  invitation: Invitation;
  user: User;
  organisation: Organisation;
}

/**
 * The pending invitation a link token belongs to, with its user and organisation. Unknown
 * tokens (and tokens replaced by a resend) → 404 `invalid_invitation`; answered → 410
 * `invitation_used`; withdrawn → 410 `invitation_revoked`; past its time → 410
 * `invitation_expired`; too many wrong codes → 410 `invitation_locked`.
 */
export async function findOpenInvitation(token: string, t?: Transaction): Promise<OpenInvitation> {
  if (!linkTokenPattern.test(token)) throw InvalidInvitationError();
  const invitation = await Invitation.findOne({
    where: { tokenHash: hashLinkToken(token) },
    transaction: t,
    ...(t ? { lock: t.LOCK.UPDATE } : {}),
  });
  if (!invitation) throw InvalidInvitationError();
  const status = invitationStatusOf(invitation);
  if (status === "accepted" || status === "declined") throw InvitationUsedError();
  if (status === "revoked") throw InvitationRevokedError();
  if (status === "expired") throw InvitationExpiredError();
  if (invitation.codeFailures >= INVITATION_MAX_CODE_FAILURES) throw InvitationLockedError();
  const [user, organisation] = await Promise.all([
    User.findByPk(invitation.userId, { transaction: t }),
    Organisation.findByPk(invitation.organisationId, { transaction: t }),
  ]);
  if (!user || !organisation) throw InvalidInvitationError();
  // The invited row is still unusable, or the free recipient account still free; else it was answered elsewhere.
  const stillOpen = invitation.existingAccount
    ? user.role === "recipient" && user.organisationId === null && user.status !== "deactivated"
    : user.status === "invited" && user.organisationId === invitation.organisationId;
  if (!stillOpen) throw InvitationUsedError();
  return { invitation, user, organisation };
}

/** The SMS code's purpose for one invitation: bound to it (and, by `target`, to its number). */
export function invitationCodePurpose(invitation: Invitation): `phone_verify:${string}` {
  return `phone_verify:invitation-${invitation.id}`;
}

/** Queues the invitation e-mail with its *Verify your account* link (in `t`, through the outbox). */
export async function sendInvitationEmail(
  t: Transaction,
  invitation: Invitation,
  token: string,
  organisation: Organisation,
  inviterName: string | null,
): Promise<void> {
  const expiresAt = invitation.tokenExpiresAt.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  await enqueueEmail(t, {
    to: invitation.email,
    template: "invitation",
    locale: invitation.locale,
    vars: {
      name: invitation.name ?? "",
      orgName: organisation.name,
      inviterName: inviterName ?? "",
      role: invitation.role,
      link: invitationUrl(token),
      expiresAt,
    },
  });
}
