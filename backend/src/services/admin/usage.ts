import { fn, col, Op, QueryTypes } from "sequelize";
import { db } from "../../db.js";
import { Message } from "../../models/Message.js";
import { Organisation, type Plan } from "../../models/Organisation.js";
import { User } from "../../models/User.js";
import { clock } from "../clock.js";
import { attachmentLimitBytes } from "../attachments/limits.js";
import { PROFESSIONAL_MONTHLY_MESSAGES } from "../messages/plans.js";

export async function findOrganisation(id: string): Promise<Organisation | null> {
  return Organisation.findByPk(id);
}

export interface OrgUsage {
  organisation: { name: string; plan: Plan };
  /** The calendar month counted (UTC), from its first instant. */
  monthStart: Date;
  messagesThisMonth: number;
  /** Most messages one member sent this month (the Professional quota is per sender). */
  topSenderThisMonth: number;
  /** Messages one sender may send a month; null: no monthly cap (Organisation plan). */
  monthlyQuotaPerSender: number | null;
  /** Encrypted message contents and attachments of the organisation's messages still stored. */
  storageBytes: number;
  users: { active: number; invited: number; deactivated: number; admins: number };
  /** Largest attachment a member may send. */
  attachmentLimitBytes: number;
}

/** What the organisation uses this month, and the limits its plan sets (F27). */
export async function organisationUsage(org: Organisation, now = clock.now()): Promise<OrgUsage> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const sent = { organisationId: org.id, state: { [Op.ne]: "draft" }, createdAt: { [Op.gte]: monthStart } } as const;
  const messagesThisMonth = await Message.count({ where: sent });
  const perSender = (await Message.findAll({
    where: sent,
    attributes: ["senderId", [fn("COUNT", col("id")), "n"]],
    group: ["senderId"],
    raw: true,
  })) as unknown as Array<{ n: number | string }>;
  const topSenderThisMonth = perSender.reduce((m, r) => Math.max(m, Number(r.n)), 0);
  const [content] = await db().query<{ bytes: number | string | null }>(
    "SELECT SUM(LENGTH(content)) AS bytes FROM messages WHERE organisation_id = ? AND content IS NOT NULL",
    { replacements: [org.id], type: QueryTypes.SELECT },
  );
  const [files] = await db().query<{ bytes: number | string | null }>(
    `SELECT SUM(a.ciphertext_size) AS bytes FROM attachments a JOIN messages m ON m.id = a.message_id
     WHERE m.organisation_id = ? AND m.content IS NOT NULL`,
    { replacements: [org.id], type: QueryTypes.SELECT },
  );
  const members = { organisationId: org.id, role: { [Op.in]: ["admin", "staff"] } };
  const users = {
    active: await User.count({ where: { ...members, status: "active" } }),
    invited: await User.count({ where: { ...members, status: { [Op.in]: ["invited", "pending"] } } }),
    deactivated: await User.count({ where: { ...members, status: "deactivated" } }),
    admins: await User.count({ where: { ...members, role: "admin", status: "active" } }),
  };
  return {
    organisation: { name: org.name, plan: org.plan },
    monthStart,
    messagesThisMonth,
    topSenderThisMonth,
    monthlyQuotaPerSender: org.plan === "organisation" ? null : PROFESSIONAL_MONTHLY_MESSAGES,
    storageBytes: Number(content?.bytes ?? 0) + Number(files?.bytes ?? 0),
    users,
    attachmentLimitBytes: attachmentLimitBytes(org.policy),
  };
}
