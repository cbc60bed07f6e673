// What the web app build and the add-in build (addin/scripts/buildAddin.ts) both use to decide
// whether their bundle is stale: a hash over their source files.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

/** Every file below `dir`, recursively, in a stable order. */
export function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/**
 * SHA-256 over the build options, the esbuild version, and each file's path (relative to
 * `root`) and content; a missing file counts as empty.
 */
export function sourceFingerprint(root: string, files: string[], minify: boolean): string {
  const h = crypto.createHash("sha256");
  h.update(`minify=${minify};esbuild=${esbuild.version}\n`);
  for (const file of files) {
    h.update(path.relative(root, file));
    h.update(fs.existsSync(file) ? fs.readFileSync(file) : "");
  }
  return h.digest("hex");
}
