/**
 * Small, strict helpers for header blocks: the top-level header lines mailparser hands back,
 * the field groups of a message/delivery-status part (RFC 3464) and the header block of an
 * attached original message (message/rfc822, text/rfc822-headers). No body text is kept.
 */

/** Lower-case field name → raw (unfolded) values, in order. */
export type HeaderMap = Map<string, string[]>;

const MAX_HEADER_BLOCK = 64 * 1024;

/** Parses an RFC 5322 header block ("Name: value" lines with folding) into a HeaderMap. */
export function parseHeaderBlock(text: string): HeaderMap {
  const map: HeaderMap = new Map();
  const block = text.slice(0, MAX_HEADER_BLOCK).replace(/\r\n/g, "\n");
  const end = block.search(/\n\s*\n/);
  const lines = (end >= 0 ? block.slice(0, end) : block).split("\n");
  let current: { name: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = map.get(current.name) ?? [];
    list.push(current.value.trim());
    map.set(current.name, list);
    current = null;
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current) {
      (current as { value: string }).value += " " + line.trim();
      continue;
    }
    flush();
    const m = /^([!-9;-~]+):(.*)$/.exec(line);
    if (m) current = { name: m[1].toLowerCase(), value: m[2] };
  }
  flush();
  return map;
}

/** The field groups of a message/delivery-status body: per-message fields first, then one per recipient. */
export function parseDeliveryStatus(text: string): HeaderMap[] {
  const groups = text
    .slice(0, MAX_HEADER_BLOCK)
    .replace(/\r\n/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
  return groups.map((g) => parseHeaderBlock(g + "\n"));
}

/** Builds a HeaderMap from mailparser's headerLines (`line` is the raw, possibly folded, header). */
export function headerMapFromLines(lines: ReadonlyArray<{ key: string; line: string }>): HeaderMap {
  const map: HeaderMap = new Map();
  for (const { key, line } of lines) {
    const colon = line.indexOf(":");
    const value = (colon >= 0 ? line.slice(colon + 1) : "").replace(/\r?\n[ \t]+/g, " ").trim();
    const list = map.get(key.toLowerCase()) ?? [];
    list.push(value);
    map.set(key.toLowerCase(), list);
  }
  return map;
}

export function first(map: HeaderMap, name: string): string | undefined {
  return map.get(name)?.[0];
}

const MSGID = /<([^<>\s@]{1,200}@[^<>\s@]{1,200})>/g;

/** Every `<local@domain>` message id in a header value, normalised to `<...>` form. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(MSGID)].map((m) => `<${m[1]}>`);
}

/**
 * A plain mailbox address: dot-atom local part and a host name (Unicode letters allowed). No
 * quotes, commas, spaces or brackets, so a value can never expand into several recipients.
 */
const MAILBOX = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})+$/u;

export function isMailbox(value: string): boolean {
  return value.length <= 254 && MAILBOX.test(value);
}

/** The address part of an RFC 3464 address field ("rfc822; user@example.org"). */
export function dsnAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(";");
  const addr = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, "");
  return isMailbox(addr) ? addr.toLowerCase() : undefined;
}

/** An enhanced status code ("5.1.1") at the start of a Status field, if well-formed. */
export function statusCode(value: string | undefined): string | undefined {
  return value ? /^\s*([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] : undefined;
}
