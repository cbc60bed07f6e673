import { z } from "zod";

export const MessageIdsSchema = z.object({
  messageIds: z.array(z.uuid()).min(1).max(500),
});
export type MessageIdsInput = z.infer<typeof MessageIdsSchema>;

export const EmptyTrashSchema = z.object({
  /** Only these trashed messages; omitted: the whole trash. */
  messageIds: z.array(z.uuid()).min(1).max(500).optional(),
});

export const CountSchema = z.object({ count: z.number().int() });
export const EmptyTrashResultSchema = z.object({ deleted: z.number().int(), shredded: z.number().int() });
