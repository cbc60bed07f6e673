import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, "package.json")) || !fs.existsSync(path.join(dir, "templates"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("project root not found");
    dir = parent;
  }
  return dir;
}

/** The project root (where package.json and templates/ are), from sources or from dist/. */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Where `addin/scripts/buildAddin.ts` writes the add-in's static files. */
export const addinBundleDir = path.join(projectRoot, "dist", "addin");
