import { z } from "zod";
import type { User } from "../models/User.js";
import type { Organisation } from "../models/Organisation.js";
import { sessionStages, type SessionStage } from "../models/Session.js";

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    organisation: z.object({ id: z.string(), name: z.string() }).nullable(),
    plan: z.string(),
    locale: z.string(),
    stage: z.enum(sessionStages),
  })
  .meta({ id: "Me" });

/** The signed-in user as the client sees them. */
export function presentMe(
  user: User,
  organisation: Organisation | null,
  stage: SessionStage,
): z.infer<typeof MeSchema> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    organisation: organisation ? { id: organisation.id, name: organisation.name } : null,
    plan: user.plan,
    locale: user.locale,
    stage,
  };
}
