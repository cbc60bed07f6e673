import { col, fn, Op, where, type Transaction, type WhereOptions } from "sequelize";
import { Organisation } from "../../models/Organisation.js";
import { User } from "../../models/User.js";
import { UserTotp } from "../../models/UserTotp.js";
import { manageableRoles, managesUser, type ManageableRole } from "../../policies/admin.js";
import { clock } from "../clock.js";
import { Phone } from "../../models/Phone.js";
import { listPhones } from "../phones.js";
import { revokeSmsCodes } from "../smsCodes.js";

/** How the console shows a person's state: derived from status and the sign-in lock. */
export const adminUserStatuses = ["active", "invited", "locked", "deactivated"] as const;
export type AdminUserStatus = (typeof adminUserStatuses)[number];

/** The state the console shows for `user` at `now`. */
export function adminStatusOf(user: User, now = clock.now()): AdminUserStatus {
  if (user.status === "deactivated") return "deactivated";
  if (user.status === "invited" || user.status === "pending") return "invited";
  if (user.lockedAt && (!user.lockUntil || user.lockUntil.getTime() > now.getTime())) return "locked";
  return "active";
}

export interface OrgUserQuery {
  /** Part of the name or e-mail address (case-insensitive). */
  q?: string;
  role?: ManageableRole;
  status?: AdminUserStatus;
  /** The previous page's `next`: the last e-mail address shown. */
  after?: string;
  limit: number;
}

export interface OrgUserRow {
  user: User;
  status: AdminUserStatus;
  twoFactor: boolean;
}

export interface OrgUserPage {
  users: OrgUserRow[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

function statusWhere(status: AdminUserStatus, now: Date): WhereOptions<User> {
  const locked = { lockedAt: { [Op.ne]: null }, [Op.or]: [{ lockUntil: null }, { lockUntil: { [Op.gt]: now } }] };
  switch (status) {
    case "deactivated":
      return { status: "deactivated" };
    case "invited":
      return { status: { [Op.in]: ["invited", "pending"] } };
    case "locked":
      return { status: "active", ...locked };
    case "active":
      return {
        status: "active",
        [Op.or]: [{ lockedAt: null }, { lockUntil: { [Op.ne]: null, [Op.lte]: now } }],
      };
  }
}

/** Text search by containment; INSTR(LOWER(…)) means the same on SQLite and MySQL, no LIKE escaping. */
function searchWhere(q: string): WhereOptions<User> {
  const needle = q.toLowerCase();
  return {
    [Op.or]: [
      where(fn("instr", fn("lower", col("email")), needle), Op.gt, 0),
      where(fn("instr", fn("lower", fn("coalesce", col("name"), "")), needle), Op.gt, 0),
    ],
  };
}

/**
 * A page of an organisation's admins and staff in e-mail order, keyset-paged on the unique
 * e-mail address (index users_org_email and its role/status siblings), so every page costs the
 * same however deep the admin pages.
 */
export async function listOrgUsers(organisationId: string, query: OrgUserQuery): Promise<OrgUserPage> {
  const now = clock.now();
  const and: WhereOptions<User>[] = [
    { organisationId },
    { role: query.role ? query.role : { [Op.in]: [...manageableRoles] } },
  ];
  if (query.status) and.push(statusWhere(query.status, now));
  if (query.after) and.push({ email: { [Op.gt]: query.after } });
  if (query.q) and.push(searchWhere(query.q));
  const rows = await User.findAll({
    where: { [Op.and]: and },
    order: [["email", "ASC"]],
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const withTotp = new Set(
    page.length === 0
      ? []
      : (
          await UserTotp.findAll({
            where: { userId: { [Op.in]: page.map((u) => u.id) }, enabled: true },
            attributes: ["userId"],
          })
        ).map((r) => r.userId),
  );
  return {
    users: page.map((user) => ({ user, status: adminStatusOf(user, now), twoFactor: withTotp.has(user.id) })),
    next: rows.length > query.limit ? page[page.length - 1].email : null,
  };
}

/**
 * Takes the organisation's row lock, so changes to who is an active admin happen one at a time
 * (MySQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction already holds the write lock).
 */
export async function lockOrganisation(t: Transaction, organisationId: string): Promise<Organisation | null> {
  return Organisation.findByPk(organisationId, { transaction: t, lock: t.LOCK.UPDATE });
}

/** A member the admin manages, locked for the change; null when not theirs (another organisation, a recipient). */
export async function findManagedUser(t: Transaction, organisationId: string, userId: string): Promise<User | null> {
  const user = await User.findByPk(userId, { transaction: t, lock: t.LOCK.UPDATE });
  return managesUser(organisationId, user) ? user : null;
}

/** The organisation's active admins other than `exceptUserId`; read under lockOrganisation. */
export async function otherActiveAdmins(t: Transaction, organisationId: string, exceptUserId: string): Promise<number> {
  return User.count({
    where: { organisationId, role: "admin", status: "active", id: { [Op.ne]: exceptUserId } },
    transaction: t,
  });
}

/** Whether the user has an authenticator turned on. */
export async function hasTotp(t: Transaction, userId: string): Promise<boolean> {
  return (await UserTotp.count({ where: { userId, enabled: true }, transaction: t })) > 0;
}

/**
 * Sets the user's primary mobile to `e164` as an admin entered it (trusted like a number an
 * admin enters at creation, services/phones.ts): the primary phone row and users.mobile change
 * together; a backup phone with the same number is removed; SMS codes sent to the old number
 * stop working.
 */
export async function replacePrimaryMobile(t: Transaction, user: User, e164: string, country: string): Promise<void> {
  const phones = await listPhones(t, user);
  for (const p of phones) if (!p.isPrimary && p.e164 === e164) await p.destroy({ transaction: t });
  const primary = phones.find((p) => p.isPrimary);
  if (primary) await primary.update({ e164, countryCode: country, verifiedAt: clock.now() }, { transaction: t });
  else
    await Phone.create(
      { userId: user.id, e164, countryCode: country, name: "Mobile", verifiedAt: clock.now(), isPrimary: true },
      { transaction: t },
    );
  user.mobile = e164;
  await user.save({ transaction: t });
  await revokeSmsCodes(t, user.id);
}

/** Whether `userId` is a member (of any role) of the organisation. */
export async function memberOf(organisationId: string, userId: string): Promise<boolean> {
  return (await User.count({ where: { id: userId, organisationId } })) > 0;
}
