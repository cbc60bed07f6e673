import { z } from "zod";
import { sessionStages, type Session } from "../models/Session.js";

export const SessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean(),
    stage: z.enum(sessionStages),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: "Session" });

export function presentSession(s: Session, currentId: string | null): z.infer<typeof SessionSchema> {
  return {
    id: s.id,
    current: s.id === currentId,
    stage: s.stage,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
  };
}
