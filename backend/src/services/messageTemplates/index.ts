import type { Transaction } from "sequelize";
import { MessageTemplate, type TemplateLocale } from "../../models/MessageTemplate.js";

export { templateLocales } from "../../models/MessageTemplate.js";

export interface TemplateView {
  id: string | null;
  name: string;
  body: string;
  locale: TemplateLocale;
  builtIn: boolean;
}

/**
 * The product's standard text (F5), offered while an organisation has no templates of its own
 * (new organisations start here; once an admin adds one, only the organisation's are listed).
 */
export const builtInTemplates: TemplateView[] = [
  {
    id: null,
    name: "Byter till säker e-post",
    body: "Det här samtalet innehåller känslig information, så jag byter till säker e-post. Du får ett meddelande med en länk och en SMS-kod för att läsa.",
    locale: "sv",
    builtIn: true,
  },
  {
    id: null,
    name: "Switching to secure e-mail",
    body: "This conversation contains sensitive information, so I am switching to secure e-mail. You will get a message with a link and an SMS code to read it.",
    locale: "en",
    builtIn: true,
  },
];

/** The organisation's templates by name, or the built-in ones when it has none. */
export async function templatesFor(organisationId: string | null): Promise<TemplateView[]> {
  if (!organisationId) return builtInTemplates;
  const rows = await MessageTemplate.findAll({
    where: { organisationId },
    order: [
      ["name", "ASC"],
      ["id", "ASC"],
    ],
  });
  if (rows.length === 0) return builtInTemplates;
  return rows.map((r) => ({ id: r.id, name: r.name, body: r.body, locale: r.locale, builtIn: false }));
}

/** One template of the caller's organisation; another organisation's is null (S4). */
export async function findOwnTemplate(
  t: Transaction,
  organisationId: string,
  id: string,
): Promise<MessageTemplate | null> {
  return MessageTemplate.findOne({ where: { id, organisationId }, transaction: t });
}
