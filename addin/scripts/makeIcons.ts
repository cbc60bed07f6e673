/**
 * Draws the add-in's icon (a white envelope on a blue rounded square) at the sizes the
 * manifest names and writes them as PNG files to addin/assets/icon-<size>.png.
 * Run: npx tsx addin/scripts/makeIcons.ts
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodePng, type RgbaImage } from "./png.js";

/** Desktop 16/32/80, the add-in's 64/128, and Outlook mobile's 25/32/48 at scales 1–3. */
export const iconSizes = [16, 25, 32, 48, 50, 64, 75, 80, 96, 128, 144] as const;

type Rgb = readonly [number, number, number];
const blue: Rgb = [15, 108, 189];
const white: Rgb = [255, 255, 255];

function insideRoundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distanceToSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** The colour at a point in unit coordinates, or null for transparent. */
function sample(x: number, y: number, size: number): Rgb | null {
  if (!insideRoundedRect(x, y, 0.03, 0.03, 0.97, 0.97, 0.2)) return null;
  const inEnvelope = insideRoundedRect(x, y, 0.17, 0.29, 0.83, 0.73, 0.05);
  if (!inEnvelope) return blue;
  const half = Math.max(0.03, 0.7 / size);
  const flap = Math.min(distanceToSegment(x, y, 0.17, 0.3, 0.5, 0.55), distanceToSegment(x, y, 0.83, 0.3, 0.5, 0.55));
  return flap <= half ? blue : white;
}

/** Renders the icon at `size` × `size` pixels with 4 × 4 supersampling. */
export function drawIcon(size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          covered += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (covered === 0) continue;
      data[i] = Math.round(r / covered);
      data[i + 1] = Math.round(g / covered);
      data[i + 2] = Math.round(b / covered);
      data[i + 3] = Math.round((255 * covered) / (n * n));
    }
  }
  return { width: size, height: size, data };
}

export const assetsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../assets");

/** Writes every icon size into `dir`; returns the file paths. */
export function writeIcons(dir = assetsDir): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return iconSizes.map((size) => {
    const file = path.join(dir, `icon-${size}.png`);
    fs.writeFileSync(file, encodePng(drawIcon(size)));
    return file;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of writeIcons()) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
