/**
 * Finds the Kuvert link in a notification e-mail's HTML: the message link the add-in puts in
 * (`<base>/mailbox/<folder>/<message id>`), the shared link of an Outlook item sent by the pane
 * (`<base>/m/<token>`), or a recipient link (`<base>/r/<token>`). Only links on the Kuvert server
 * itself count.
 */
export type KuvertLink =
  | { kind: "message"; messageId: string; url: string }
  | { kind: "shared"; token: string; url: string }
  | { kind: "recipient"; url: string };

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export function findKuvertLink(html: string, base: string): KuvertLink | null {
  const origin = base.replace(/\/+$/, "");
  for (const m of html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)) {
    const url = m[1].replace(/&amp;/g, "&");
    if (!url.startsWith(`${origin}/`)) continue;
    const path = url.slice(origin.length);
    const message = new RegExp(`^/mailbox/[A-Za-z0-9-]+/(${uuid})(?:[/?#]|$)`, "i").exec(path);
    if (message) return { kind: "message", messageId: message[1].toLowerCase(), url };
    const shared = /^\/m\/([A-Za-z0-9_-]{43})(?:[?#]|$)/.exec(path);
    if (shared) return { kind: "shared", token: shared[1], url };
    if (/^\/r\/[A-Za-z0-9_-]+(?:[?#]|$)/.test(path)) return { kind: "recipient", url };
  }
  return null;
}
