import { Op, type Transaction } from "sequelize";
import { appError } from "../../errors.js";
import { Message } from "../../models/Message.js";
import { Organisation } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";

/** Messages a Professional sender may send per calendar month (UTC), F27. */
export const PROFESSIONAL_MONTHLY_MESSAGES = 2500;
/** Largest attachment on Professional, F6/F27. */
export const PROFESSIONAL_ATTACHMENT_BYTES = 500 * 1024 * 1024;

export type EffectivePlan = "basic" | "professional" | "organisation";

export const PlanReplyOnlyError = () =>
  appError("plan_reply_only", "Your free Basic account can only reply to messages you have received");
export const PlanQuotaExceededError = (limit: number) =>
  appError("plan_quota_exceeded", `Your plan allows ${limit} messages a month; the limit is reached`);

/**
 * The plan that limits what `user` may send: Basic users (free recipients) reply only; users of
 * an organisation on the Organisation plan have no monthly cap; everyone else is Professional.
 * `organisation`: the user's organisation when the caller has loaded it already (else read here).
 */
export async function effectivePlan(
  t: Transaction,
  user: User,
  organisation?: Pick<Organisation, "plan"> | null,
): Promise<EffectivePlan> {
  if (user.plan === "basic") return "basic";
  if (user.organisationId) {
    const org =
      organisation !== undefined
        ? organisation
        : await Organisation.findByPk(user.organisationId, { transaction: t, attributes: ["id", "plan"] });
    if (org?.plan === "organisation") return "organisation";
  }
  return "professional";
}

function startOfMonthUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Throws 403 plan_reply_only / plan_quota_exceeded when `user` may not send this message. */
export async function assertMaySend(
  t: Transaction,
  user: User,
  isReply: boolean,
  { now = new Date(), organisation }: { now?: Date; organisation?: Pick<Organisation, "plan"> | null } = {},
): Promise<EffectivePlan> {
  const plan = await effectivePlan(t, user, organisation);
  if (plan === "basic" && !isReply) throw PlanReplyOnlyError();
  if (plan === "professional") {
    const sent = await Message.count({
      where: { senderId: user.id, createdAt: { [Op.gte]: startOfMonthUtc(now) } },
      transaction: t,
    });
    if (sent >= PROFESSIONAL_MONTHLY_MESSAGES) throw PlanQuotaExceededError(PROFESSIONAL_MONTHLY_MESSAGES);
  }
  return plan;
}
