import { NotificationLogo } from "../../models/NotificationText.js";
import type { OutgoingEmail } from "../mail/transport.js";
import { logoCid } from "./texts.js";

interface CachedLogo {
  contentType: string;
  content: Buffer;
}

/** Logos by Content-ID (which carries the image's hash, so an entry never goes stale). */
const cache = new Map<string, CachedLogo>();
const CACHE_MAX = 32;

async function logoFor(organisationId: string, cid: string): Promise<CachedLogo | null> {
  const hit = cache.get(cid);
  if (hit) return hit;
  const row = await NotificationLogo.findByPk(organisationId);
  // Replaced or removed since the e-mail was queued: the e-mail goes without it.
  if (!row || logoCid(row.sha256) !== cid) return null;
  const logo = { contentType: row.contentType, content: Buffer.from(row.data, "base64") };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(cid, logo);
  return logo;
}

/** Takes the logo's <img> out of the HTML (between the template's kuvert-logo markers). */
export function withoutLogo(html: string): string {
  return html.replace(/<!--kuvert-logo-->[\s\S]*?<!--\/kuvert-logo-->/g, "");
}

/**
 * The notification with its organisation's logo attached inline (cid:…), read at delivery so
 * the outbox holds no image bytes; without the logo (removed or replaced since) the <img> goes.
 */
export async function withInlineLogo(
  mail: OutgoingEmail,
  logo: { organisationId: string; cid: string } | undefined,
): Promise<OutgoingEmail> {
  if (!logo) return mail;
  const found = await logoFor(logo.organisationId, logo.cid);
  if (!found) return { ...mail, html: withoutLogo(mail.html) };
  const ext = found.contentType === "image/png" ? "png" : "jpg";
  return {
    ...mail,
    inline: [{ cid: logo.cid, contentType: found.contentType, filename: `logo.${ext}`, content: found.content }],
  };
}
