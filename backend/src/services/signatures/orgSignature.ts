import type { Transaction } from "sequelize";
import { htmlToText } from "#shared/sensitivity.js";
import { Organisation, type OrgPolicy } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";
import { UserSettings } from "../../models/UserSettings.js";
import { sanitiseMessageHtml } from "../../presenters/message.js";

/** `default`: staff may replace it with their own signature; `mandatory`: appended to every secure message. */
export const signatureModes = ["default", "mandatory"] as const;
export type SignatureMode = (typeof signatureModes)[number];

/** The placeholders an organisation signature may use, filled in per sender. */
export const signaturePlaceholders = ["name", "title", "email", "phone", "organisation"] as const;
export type SignaturePlaceholder = (typeof signaturePlaceholders)[number];

export const SIGNATURE_HTML_MAX_LENGTH = 20_000;

/** The organisation signature as stored (organisations.policy.orgSignature): sanitised HTML with placeholders. */
export interface OrgSignature {
  html: string;
  mode: SignatureMode;
  /** Bumped on every change; the add-in declares the version it appended (signatureVersion). */
  version: number;
  updatedAt: string | null;
}

export interface RenderedSignature {
  html: string;
  text: string;
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

/** Only the allow-listed markup of the message sanitiser (S5) is kept. */
export function sanitiseSignatureHtml(html: string): string {
  return sanitiseMessageHtml(html).trim();
}

/**
 * The organisation's signature from its stored policy. An older plain-text `policy.signature`
 * (set before the admin console had a signature page) reads as a default-mode signature.
 */
export function orgSignatureOf(policy: OrgPolicy | undefined): OrgSignature {
  const stored = policy?.orgSignature as Partial<OrgSignature> | undefined;
  if (stored && typeof stored === "object" && typeof stored.html === "string") {
    return {
      html: stored.html,
      mode: stored.mode === "mandatory" ? "mandatory" : "default",
      version: typeof stored.version === "number" ? stored.version : 0,
      updatedAt: typeof stored.updatedAt === "string" ? stored.updatedAt : null,
    };
  }
  const legacy = policy?.signature;
  if (typeof legacy === "string" && legacy.trim())
    return { html: escapeHtml(legacy.trim()).replace(/\n/g, "<br>"), mode: "default", version: 0, updatedAt: null };
  return { html: "", mode: "default", version: 0, updatedAt: null };
}

/** The placeholder values for one sender (HTML-escaped when filled in). */
export interface SignatureValues {
  name: string;
  title: string;
  email: string;
  phone: string;
  organisation: string;
}

/** Fills the placeholders with the sender's values (escaped), then sanitises the result. */
export function renderSignature(html: string, values: SignatureValues): RenderedSignature {
  const filled = html.replace(/\{(name|title|email|phone|organisation)\}/g, (_m, key: SignaturePlaceholder) =>
    escapeHtml(values[key]),
  );
  const clean = sanitiseSignatureHtml(filled);
  const text = htmlToText(clean)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { html: clean, text };
}

/**
 * A sender's values for the placeholders: their name (else e-mail), title, e-mail, mobile and
 * organisation. A shared mailbox (role `mailbox`, F25) signs as the function it is — its name,
 * its address, the organisation — with no title or phone: replies go to the function, and
 * which member sent is recorded in the mailbox's events, not in the signature.
 */
export async function signatureValuesFor(
  t: Transaction | null,
  user: User,
  org: Organisation | null,
): Promise<SignatureValues> {
  if (user.role === "mailbox")
    return {
      name: user.name?.trim() || user.email,
      title: "",
      email: user.email,
      phone: "",
      organisation: org?.name ?? "",
    };
  const settings = await UserSettings.findByPk(user.id, { attributes: ["userId", "title"], transaction: t });
  return {
    name: user.name?.trim() || user.email,
    title: settings?.title ?? "",
    email: user.email,
    phone: user.mobile ?? "",
    organisation: org?.name ?? "",
  };
}

/** The signature of the sender's organisation, rendered for the sender (null: no organisation or no signature). */
export interface SenderSignature {
  signature: OrgSignature;
  rendered: RenderedSignature;
}

export async function signatureForSender(t: Transaction | null, user: User): Promise<SenderSignature | null> {
  if (!user.organisationId) return null;
  const org = await Organisation.findByPk(user.organisationId, {
    attributes: ["id", "name", "policy"],
    transaction: t,
  });
  if (!org) return null;
  const signature = orgSignatureOf(org.policy);
  if (!signature.html.trim()) return null;
  return { signature, rendered: renderSignature(signature.html, await signatureValuesFor(t, user, org)) };
}

/**
 * A plaintext message with the mandatory signature appended (F5): the text gets its text form
 * after an empty line; HTML, when the message has it, gets the signature's HTML below.
 */
export function withSignature(
  body: { text: string | null; html: string | null },
  rendered: RenderedSignature,
): { text: string; html: string | null } {
  const text = body.text?.trimEnd() ? `${body.text.trimEnd()}\n\n${rendered.text}` : rendered.text;
  const html = body.html === null ? null : `${body.html}<div>${rendered.html}</div>`;
  return { text, html };
}

/** The admin console's view of the organisation signature, previewed for `admin` (null: no such organisation). */
export async function adminSignature(
  admin: User,
  organisationId: string,
): Promise<(OrgSignature & { placeholders: SignaturePlaceholder[]; preview: RenderedSignature }) | null> {
  const org = await Organisation.findByPk(organisationId, { attributes: ["id", "name", "policy"] });
  if (!org) return null;
  const signature = orgSignatureOf(org.policy);
  const preview = renderSignature(signature.html, await signatureValuesFor(null, admin, org));
  return { ...signature, placeholders: [...signaturePlaceholders], preview };
}

/** A signature draft rendered for `admin` without saving it (null: no such organisation). */
export async function previewSignature(
  admin: User,
  organisationId: string,
  html: string,
): Promise<RenderedSignature | null> {
  const org = await Organisation.findByPk(organisationId, { attributes: ["id", "name"] });
  if (!org) return null;
  return renderSignature(html, await signatureValuesFor(null, admin, org));
}
