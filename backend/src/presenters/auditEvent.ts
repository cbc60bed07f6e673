import { z } from "zod";
import type { AuditEvent } from "../models/AuditEvent.js";

export const AuditEventSchema = z
  .object({
    id: z.number(),
    type: z.string(),
    userId: z.string().nullable(),
    actorId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "AuditEvent" });

/** Audit data never holds secrets or content (recordAudit's rule), so it is shown as stored. */
export function presentAuditEvent(e: AuditEvent): z.infer<typeof AuditEventSchema> {
  return {
    id: Number(e.id),
    type: e.type,
    userId: e.userId,
    actorId: e.actorId,
    ip: e.ip,
    userAgent: e.userAgent,
    data: e.data,
    createdAt: e.createdAt.toISOString(),
  };
}
