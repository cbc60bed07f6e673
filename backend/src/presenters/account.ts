import { z } from "zod";
import type { User } from "../models/User.js";
import type { Organisation } from "../models/Organisation.js";
import type { UserSettings } from "../models/UserSettings.js";

export const AccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    mobile: z.string().nullable().describe("The primary mobile (change it under phones)"),
    plan: z.string(),
    role: z.string(),
    locale: z.enum(["sv", "en"]),
    organisation: z.object({ id: z.string(), name: z.string() }).nullable(),
    neutralNotifications: z.boolean(),
    signature: z.string().nullable(),
    title: z.string().nullable().describe("Job title: the organisation signature's {title}"),
    autoReply: z.object({
      enabled: z.boolean(),
      text: z.string().nullable(),
      from: z.string().nullable(),
      to: z.string().nullable(),
    }),
    createdAt: z.string(),
  })
  .meta({ id: "Account" });

export type AccountView = z.infer<typeof AccountSchema>;

/** Account information and options (F20) as the owner sees them. */
export function presentAccount(user: User, organisation: Organisation | null, settings: UserSettings): AccountView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    mobile: user.mobile,
    plan: user.plan,
    role: user.role,
    locale: user.locale,
    organisation: organisation ? { id: organisation.id, name: organisation.name } : null,
    neutralNotifications: settings.neutralNotifications ?? false,
    signature: settings.signature ?? null,
    title: settings.title ?? null,
    autoReply: {
      enabled: settings.autoReplyEnabled ?? false,
      text: settings.autoReplyText ?? null,
      from: settings.autoReplyFrom ? settings.autoReplyFrom.toISOString() : null,
      to: settings.autoReplyTo ? settings.autoReplyTo.toISOString() : null,
    },
    createdAt: user.createdAt.toISOString(),
  };
}
