/**
 * Response headers for downloads. The file name is the sender's text: it goes out only as a
 * quoted ASCII fallback (anything else replaced) and an RFC 5987 `filename*`, never raw.
 */
const attrChar = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** RFC 5987 ext-value: UTF-8''<percent-encoded> with only attr-chars left bare. */
export function rfc5987(value: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && attrChar.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, "_").slice(0, 150) || "attachment";
  return `attachment; filename="${fallback}"; filename*=${rfc5987(name)}`;
}

const mimeType = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** A bare MIME type (no parameters) or application/octet-stream. */
export function safeMimeType(type: string | null | undefined): string {
  const t = (type ?? "").split(";")[0].trim().toLowerCase();
  return mimeType.test(t) ? t : "application/octet-stream";
}

/** The file name from the upload header X-File-Name (percent-encoded UTF-8), cleaned of path parts and control characters. */
export function uploadFileName(header: string | undefined): string | null {
  if (!header) return null;
  let name: string;
  try {
    name = decodeURIComponent(header);
  } catch {
    return null;
  }
  name = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .split(/[\\/]/)
    .pop()!
    .trim();
  if (!name || name.length > 255) return null;
  return name;
}
