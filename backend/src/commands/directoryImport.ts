import { Op, type Transaction } from "sequelize";
import { Invitation } from "../models/Invitation.js";
import { Organisation } from "../models/Organisation.js";
import { normaliseEmail, User } from "../models/User.js";
import { appError } from "../errors.js";
import { manageableRoles } from "../policies/admin.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { lockOrganisation } from "../services/admin/orgUsers.js";
import { clock } from "../services/clock.js";
import { parsePhone } from "../services/phones.js";
import type { RequestMeta } from "../services/lockout.js";
import type { DirectoryMember } from "../services/microsoft/directory.js";
import { inviteUsers } from "./inviteUsers.js";
import { adminUserAction } from "./adminUserAction.js";
import { revokeInvitation } from "./manageInvitation.js";

/** Why a new member of the group cannot be invited. */
export const directoryNewProblems = [
  "mail_missing",
  "mobile_missing",
  "mobile_invalid",
  "user_exists",
  "duplicate_mail",
] as const;
export type DirectoryNewProblem = (typeof directoryNewProblems)[number];

export interface DirectoryNew {
  objectId: string;
  name: string | null;
  email: string | null;
  /** E.164 when it parses, else as the directory has it. */
  mobile: string | null;
  problem: DirectoryNewProblem | null;
}

export interface DirectoryChange {
  field: "name" | "mobile";
  from: string | null;
  to: string;
}

export interface DirectoryChanged {
  objectId: string;
  userId: string;
  name: string | null;
  email: string;
  changes: DirectoryChange[];
}

export interface DirectoryGone {
  userId: string;
  name: string | null;
  email: string;
  role: string;
  /** An invited person who has not answered: their open invitation is withdrawn instead. */
  invited: boolean;
  /** Never applied: the acting admin themself. */
  blocked: "self" | null;
}

export interface DirectoryPlan {
  groupId: string;
  new: DirectoryNew[];
  changed: DirectoryChanged[];
  gone: DirectoryGone[];
  unchanged: number;
  /** Members matched by e-mail who get the directory's (new) object id recorded on apply. */
  links: { userId: string; objectId: string }[];
}

/** Numbers in the directory are read as Swedish when they have no country code. */
const DEFAULT_COUNTRY = "SE";

async function openInvitationUserIds(
  t: Transaction | undefined,
  organisationId: string,
): Promise<Map<string, Invitation>> {
  const open = await Invitation.findAll({
    where: { organisationId, status: "pending", tokenExpiresAt: { [Op.gt]: clock.now() } },
    transaction: t,
  });
  return new Map(open.map((i) => [i.userId, i]));
}

/**
 * Compares the group's members with the organisation (issue 10, directory import): members are
 * matched by their Entra object id, else by e-mail (a member without a directory id yet).
 * *New*: in the group, not in the organisation (or invited earlier with no open invitation).
 * *Changed*: a member whose name or mobile number differs from the directory's (an empty value
 * in the directory changes nothing). *Gone*: a member or open invitee who came from the
 * directory (has an object id) and is no longer in the group. Read-only.
 */
export async function planDirectoryImport(
  t: Transaction | undefined,
  props: { organisationId: string; actorId: string | null; groupId: string; members: DirectoryMember[] },
): Promise<DirectoryPlan> {
  const { organisationId, actorId, groupId, members } = props;
  const users = await User.findAll({
    where: { organisationId, role: { [Op.in]: [...manageableRoles] } },
    transaction: t,
  });
  const openByUser = await openInvitationUserIds(t, organisationId);
  const openByObject = new Map(
    [...openByUser.values()].filter((i) => i.directoryObjectId).map((i) => [i.directoryObjectId!, i]),
  );
  const byObject = new Map(users.filter((u) => u.directoryObjectId).map((u) => [u.directoryObjectId!, u]));
  const byEmail = new Map(users.map((u) => [u.email, u]));
  const plan: DirectoryPlan = { groupId, new: [], changed: [], gone: [], unchanged: 0, links: [] };
  const matched = new Set<string>();
  const mails = new Set<string>();
  const inGroup = new Set(members.map((m) => m.objectId));

  for (const m of members) {
    const email = m.mail ? normaliseEmail(m.mail) : null;
    const phone = m.mobilePhone ? parsePhone(m.mobilePhone, DEFAULT_COUNTRY) : null;
    const byMail = email ? byEmail.get(email) : undefined;
    // By e-mail only someone not yet tied to a member of the group: never imported, or their
    // directory account was recreated (the old object id has left the group).
    const mailMatch =
      byMail && (!byMail.directoryObjectId || !inGroup.has(byMail.directoryObjectId)) ? byMail : undefined;
    const user = byObject.get(m.objectId) ?? mailMatch;
    if (user) {
      matched.add(user.id);
      if (user.directoryObjectId !== m.objectId) plan.links.push({ userId: user.id, objectId: m.objectId });
      if (user.status === "invited" && !openByUser.has(user.id)) {
        // Invited before, never answered and the link is gone: invite again.
        plan.new.push({
          objectId: m.objectId,
          name: m.displayName,
          email: user.email,
          mobile: phone?.e164 ?? m.mobilePhone,
          problem: phone ? null : m.mobilePhone ? "mobile_invalid" : "mobile_missing",
        });
        continue;
      }
      if (user.status !== "active" && user.status !== "pending") {
        plan.unchanged++;
        continue;
      }
      const changes: DirectoryChange[] = [];
      if (m.displayName && m.displayName !== user.name && m.displayName.length <= 200)
        changes.push({ field: "name", from: user.name, to: m.displayName });
      if (phone && phone.e164 !== user.mobile) changes.push({ field: "mobile", from: user.mobile, to: phone.e164 });
      if (changes.length > 0)
        plan.changed.push({ objectId: m.objectId, userId: user.id, name: user.name, email: user.email, changes });
      else plan.unchanged++;
      continue;
    }
    if (openByObject.has(m.objectId)) {
      plan.unchanged++;
      continue;
    }
    let problem: DirectoryNewProblem | null = null;
    if (!email) problem = "mail_missing";
    else if (mails.has(email)) problem = "duplicate_mail";
    else if (!m.mobilePhone) problem = "mobile_missing";
    else if (!phone) problem = "mobile_invalid";
    else {
      const existing = await User.findOne({ where: { email }, transaction: t });
      const free =
        existing?.role === "recipient" && existing.organisationId === null && existing.status !== "deactivated";
      if (existing && !free) problem = "user_exists";
    }
    if (email) mails.add(email);
    plan.new.push({ objectId: m.objectId, name: m.displayName, email, mobile: phone?.e164 ?? m.mobilePhone, problem });
  }

  for (const u of users) {
    if (!u.directoryObjectId || matched.has(u.id) || inGroup.has(u.directoryObjectId)) continue;
    if (u.status === "deactivated") continue;
    if (u.status === "invited" && !openByUser.has(u.id)) continue;
    plan.gone.push({
      userId: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      invited: u.status === "invited",
      blocked: u.id === actorId ? "self" : null,
    });
  }
  return plan;
}

/** What the admin confirmed from the preview: object ids to invite and update, user ids to deactivate. */
export interface DirectorySelection {
  invite: string[];
  update: string[];
  deactivate: string[];
}

export interface DirectoryApplyResult {
  invited: number;
  updated: number;
  deactivated: number;
  /** Selected entries left alone, with why (already done by an earlier apply, no longer so, blocked). */
  skipped: { id: string; reason: "no_longer_applies" | "cannot_invite" | "self" | "last_admin" }[];
}

/**
 * Applies what the admin confirmed, against a fresh reading of the group, in one transaction:
 * the new people are invited together (all or nothing, through the invitation feature; their
 * object id is recorded), changed names are updated and changed mobile numbers replaced as the
 * admin's *change mobile* action does (the person is e-mailed), members matched by e-mail get
 * their object id, and gone members are deactivated (open invitations withdrawn) as the admin's
 * *deactivate* action does — never the acting admin, never the last admin. An entry that no
 * longer applies (e.g. already invited by an earlier apply) is skipped, so applying twice
 * invites nobody twice.
 */
export async function applyDirectoryImport(
  t: Transaction,
  props: {
    admin: User;
    organisationId: string;
    groupId: string;
    members: DirectoryMember[];
    selection: DirectorySelection;
    meta: RequestMeta;
  },
): Promise<DirectoryApplyResult> {
  const { admin, organisationId, groupId, selection, meta } = props;
  const organisation = await lockOrganisation(t, organisationId);
  if (!organisation) throw new Error(`organisation ${organisationId} not found`);
  const plan = await planDirectoryImport(t, { organisationId, actorId: admin.id, groupId, members: props.members });
  const result: DirectoryApplyResult = { invited: 0, updated: 0, deactivated: 0, skipped: [] };

  const newById = new Map(plan.new.map((n) => [n.objectId, n]));
  const toInvite: DirectoryNew[] = [];
  for (const id of new Set(selection.invite)) {
    const entry = newById.get(id);
    if (!entry) result.skipped.push({ id, reason: "no_longer_applies" });
    else if (entry.problem) result.skipped.push({ id, reason: "cannot_invite" });
    else toInvite.push(entry);
  }
  if (toInvite.length > 0) {
    const invited = await inviteUsers(t, {
      organisationId,
      inviter: admin,
      locale: admin.locale,
      rows: toInvite.map((n) => ({
        email: n.email!,
        mobile: n.mobile!,
        name: n.name,
        role: "staff",
        directoryObjectId: n.objectId,
      })),
      source: "directory",
      meta,
    });
    // The preview said they could be invited; if that changed under us, nothing is applied.
    if (!invited.ok) throw appError("directory_changed");
    result.invited = invited.invitations.length;
  }

  const changedById = new Map(plan.changed.map((c) => [c.objectId, c]));
  for (const id of new Set(selection.update)) {
    const entry = changedById.get(id);
    if (!entry) {
      result.skipped.push({ id, reason: "no_longer_applies" });
      continue;
    }
    for (const change of entry.changes) {
      if (change.field === "mobile") {
        const phone = parsePhone(change.to)!;
        const done = await adminUserAction(t, {
          admin,
          organisationId,
          userId: entry.userId,
          action: { kind: "change_mobile", e164: phone.e164, country: phone.country },
          meta,
        });
        if (done.kind !== "done") throw appError("directory_changed");
      } else {
        const user = await User.findByPk(entry.userId, { transaction: t, lock: t.LOCK.UPDATE });
        if (!user || user.organisationId !== organisationId) throw appError("directory_changed");
        await user.update({ name: change.to }, { transaction: t });
        await recordAudit(t, {
          type: "admin.user_name_changed",
          organisationId,
          userId: user.id,
          actorId: admin.id,
          ip: meta.ip,
          userAgent: meta.userAgent,
          data: { source: "directory" },
        });
      }
    }
    result.updated++;
  }

  for (const link of plan.links)
    await User.update(
      { directoryObjectId: link.objectId },
      { where: { id: link.userId, organisationId }, transaction: t },
    );

  const goneById = new Map(plan.gone.map((g) => [g.userId, g]));
  const open = await openInvitationUserIds(t, organisationId);
  for (const id of new Set(selection.deactivate)) {
    const entry = goneById.get(id);
    if (!entry) {
      result.skipped.push({ id, reason: "no_longer_applies" });
      continue;
    }
    if (entry.blocked) {
      result.skipped.push({ id, reason: entry.blocked });
      continue;
    }
    if (entry.invited) {
      const invitation = open.get(entry.userId);
      if (invitation) await revokeInvitation(t, { admin, organisationId, invitationId: invitation.id, meta });
      result.deactivated++;
      continue;
    }
    const done = await adminUserAction(t, { admin, organisationId, userId: id, action: { kind: "deactivate" }, meta });
    if (done.kind === "last_admin") result.skipped.push({ id, reason: "last_admin" });
    else if (done.kind !== "done") throw appError("directory_changed");
    else result.deactivated++;
  }

  organisation.directoryGroupId = groupId;
  organisation.directoryImportedAt = clock.now();
  await organisation.save({ transaction: t });
  await recordAudit(t, {
    type: "directory.imported",
    organisationId,
    actorId: admin.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: {
      groupId,
      invited: result.invited,
      updated: result.updated,
      deactivated: result.deactivated,
      linked: plan.links.length,
      skipped: result.skipped.length,
    },
  });
  return result;
}

/** Records the group an admin previewed (the page offers it next time) and audits the preview. */
export async function recordDirectoryPreview(
  t: Transaction,
  props: { admin: User; organisation: Organisation; plan: DirectoryPlan; meta: RequestMeta },
): Promise<void> {
  const { admin, organisation, plan, meta } = props;
  await Organisation.update({ directoryGroupId: plan.groupId }, { where: { id: organisation.id }, transaction: t });
  await recordAudit(t, {
    type: "directory.previewed",
    organisationId: organisation.id,
    actorId: admin.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: {
      groupId: plan.groupId,
      new: plan.new.length,
      changed: plan.changed.length,
      gone: plan.gone.length,
      unchanged: plan.unchanged,
    },
  });
}
