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

/**
 * The texts every new organisation starts with (F5, from the seeds' quick guide): the switch to
 * secure e-mail, and the organisation's introduction of secure e-mail, in Swedish and English.
 * Its admins change or delete them like any other template.
 */
export const standardTemplates: Array<{ name: string; body: string; locale: TemplateLocale }> = [
  ...builtInTemplates.map(({ name, body, locale }) => ({ name, body, locale })),
  {
    name: "Vi använder säker e-post",
    body: "Vi använder säker e-post när känslig information ska skickas. Du får snart ett e-postmeddelande med en länk och ett SMS med en sexsiffrig kod. Med dem kan du läsa och svara på meddelandet i en skyddad miljö.",
    locale: "sv",
  },
  {
    name: "We use secure e-mail",
    body: "We use secure e-mail when sensitive information is sent. You will shortly get an e-mail with a link and a text message with a six-digit code. With them you can read and answer the message in a protected place.",
    locale: "en",
  },
];

/** Gives a new organisation the standard templates. */
export async function seedStandardTemplates(t: Transaction, organisationId: string): Promise<void> {
  await MessageTemplate.bulkCreate(
    standardTemplates.map((s) => ({ organisationId, ...s })),
    { transaction: t },
  );
}

/** The organisation's own templates (no built-ins), by language then name: the admin console's list. */
export async function ownTemplates(organisationId: string): Promise<Array<TemplateView & { updatedAt: Date }>> {
  const rows = await MessageTemplate.findAll({
    where: { organisationId },
    order: [
      ["locale", "DESC"],
      ["name", "ASC"],
      ["id", "ASC"],
    ],
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    body: r.body,
    locale: r.locale,
    builtIn: false,
    updatedAt: r.updatedAt,
  }));
}

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
