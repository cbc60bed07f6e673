import { z } from "zod";
import { templateLocales } from "../models/MessageTemplate.js";
import type { TemplateView } from "../services/messageTemplates/index.js";

export const TemplateSchema = z.object({
  id: z.uuid().nullable().describe("null for the built-in standard text"),
  name: z.string(),
  body: z.string(),
  locale: z.enum(templateLocales),
  builtIn: z.boolean().describe("The product's standard text, shown while the organisation has none of its own"),
});

export function presentTemplate(v: TemplateView): z.infer<typeof TemplateSchema> {
  return { id: v.id, name: v.name, body: v.body, locale: v.locale, builtIn: v.builtIn };
}
