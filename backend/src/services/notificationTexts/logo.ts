import crypto from "node:crypto";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { appError } from "../../errors.js";

/** The largest logo file accepted (bytes), and the largest image (pixels), as uploaded. */
export const LOGO_MAX_BYTES = 200 * 1024;
export const LOGO_MAX_WIDTH = 1000;
export const LOGO_MAX_HEIGHT = 400;
/** The largest re-encoded image stored (a PNG of noise can grow when written again). */
export const LOGO_STORED_MAX_BYTES = 512 * 1024;
export const logoContentTypes = ["image/png", "image/jpeg"] as const;
export type LogoContentType = (typeof logoContentTypes)[number];

export interface ReencodedLogo {
  contentType: LogoContentType;
  data: Buffer;
  sha256: string;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const invalid = (why: string) => appError("logo_invalid", `The logo must be a PNG or JPEG image: ${why}`);

function checkSize(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw invalid("it has no size");
  if (width > LOGO_MAX_WIDTH || height > LOGO_MAX_HEIGHT)
    throw appError(
      "logo_too_large",
      `The logo is ${width}×${height} pixels; at most ${LOGO_MAX_WIDTH}×${LOGO_MAX_HEIGHT} is allowed`,
    );
}

/** Width and height from a PNG's IHDR, read before anything is decompressed. */
function pngHeaderSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 33 || bytes.toString("latin1", 12, 16) !== "IHDR") throw invalid("the PNG header is damaged");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The PNG up to and including its IEND chunk: bytes appended after the image (a smuggled
 * payload, an editor's leftovers) are dropped before decoding (pngjs refuses them otherwise).
 */
function pngThroughIend(bytes: Buffer): Buffer {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const end = at + 12 + length;
    if (end > bytes.length) break;
    if (type === "IEND") return bytes.subarray(0, end);
    at = end;
  }
  throw invalid("the PNG has no end");
}

/** Width and height from a JPEG's first SOF marker, read before decoding. */
function jpegHeaderSize(bytes: Buffer): { width: number; height: number } {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) throw invalid("the JPEG structure is damaged");
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    if (length < 2) throw invalid("the JPEG structure is damaged");
    at += 2 + length;
  }
  throw invalid("the JPEG has no image frame");
}

/**
 * Decodes the upload (PNG or JPEG, told apart by its bytes, not by what the client says) and
 * writes it again from the pixels alone: metadata (EXIF, comments, text chunks, ICC profiles),
 * trailing bytes and anything else smuggled in the file are gone. Refused: other formats (SVG,
 * GIF, WebP…), files that do not decode, more than LOGO_MAX_BYTES or LOGO_MAX_WIDTH×
 * LOGO_MAX_HEIGHT pixels (checked from the header before decoding).
 */
export function reencodeLogo(bytes: Buffer): ReencodedLogo {
  if (bytes.length === 0) throw invalid("the file is empty");
  if (bytes.length > LOGO_MAX_BYTES)
    throw appError("logo_too_large", `The logo is larger than ${LOGO_MAX_BYTES / 1024} KB`);
  let contentType: LogoContentType;
  let out: Buffer;
  let width: number;
  let height: number;
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const size = pngHeaderSize(bytes);
    checkSize(size.width, size.height);
    let png: PNG;
    try {
      png = PNG.sync.read(pngThroughIend(bytes));
    } catch {
      throw invalid("the PNG does not decode");
    }
    ({ width, height } = png);
    checkSize(width, height);
    contentType = "image/png";
    out = PNG.sync.write(png, { colorType: 6 });
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const size = jpegHeaderSize(bytes);
    checkSize(size.width, size.height);
    let image: { width: number; height: number; data: Buffer };
    try {
      image = jpeg.decode(bytes, {
        useTArray: false,
        formatAsRGBA: true,
        maxResolutionInMP: 1,
        maxMemoryUsageInMB: 64,
      });
    } catch {
      throw invalid("the JPEG does not decode");
    }
    ({ width, height } = image);
    checkSize(width, height);
    contentType = "image/jpeg";
    out = jpeg.encode({ width, height, data: image.data }, 90).data;
  } else {
    throw invalid("the file is neither");
  }
  if (out.length > LOGO_STORED_MAX_BYTES)
    throw appError("logo_too_large", "The logo is too large once re-encoded; use a simpler or smaller image");
  return { contentType, data: out, width, height, sha256: crypto.createHash("sha256").update(out).digest("hex") };
}
