import { z } from "zod";
import type { ApiToken } from "../models/ApiToken.js";
import { apiTokenExpiresAt } from "../services/apiTokens.js";

export const ApiTokenSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    /** Ends then unless used before (each use renews it, up to the absolute maximum). */
    expiresAt: z.string(),
  })
  .meta({ id: "ApiToken" });

/** Never the secret: it is shown once, by the create route. */
export function presentApiToken(t: ApiToken): z.infer<typeof ApiTokenSchema> {
  return {
    id: t.id,
    label: t.label,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: apiTokenExpiresAt(t).toISOString(),
  };
}
