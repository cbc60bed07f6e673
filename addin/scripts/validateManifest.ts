/**
 * Validates Office add-in XML manifests (root OfficeApp in
 * http://schemas.microsoft.com/office/appforoffice/1.1) offline against the XSDs in
 * addin/manifest-schemas/, with xmllint and the XML catalog there (see its README.md).
 *
 * Run: `npm run manifest:validate` (checks manifest.xml) or
 * `npm run manifest:validate -- path/to/manifest.xml [more.xml ...]`.
 * Exit status: 0 when every manifest validates; otherwise xmllint's status for the last
 * failing one (3 = not valid, 4/5 = schema could not be loaded), or 2 for a usage error
 * (missing file, no xmllint). Needs xmllint (Debian: apt-get install -y libxml2-utils).
 */
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const schemasDir = path.resolve(here, "../manifest-schemas");
const defaultManifest = path.resolve(here, "../../manifest.xml");

export interface ValidationResult {
  /** 0 valid; 3 not valid; 4/5 schema not loaded; 2 usage error (missing file, no xmllint). */
  status: number;
  /** xmllint's output (or the usage error), for the reader. */
  output: string;
}

/** True when xmllint is on the PATH. */
export function hasXmllint(): boolean {
  return spawnSync("xmllint", ["--version"], { stdio: "ignore" }).error === undefined;
}

/**
 * Validates one manifest file against the in-repo XSDs. Never fetches anything (`--nonet`).
 * xmllint runs from the schema folder with the main XSD and the catalog named by relative
 * paths: the catalog maps the XSDs' relative imports (one of which has the wrong letter case)
 * to the files there.
 */
export function validateManifest(file: string): ValidationResult {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) return { status: 2, output: `no such file: ${file}` };
  const r = spawnSync("xmllint", ["--nonet", "--noout", "--schema", "OfficeAppManifest.xsd", abs], {
    cwd: schemasDir,
    env: { ...process.env, XML_CATALOG_FILES: "catalog.xml" },
    encoding: "utf8",
  });
  if (r.error) {
    return { status: 2, output: "xmllint not found; install it (Debian/Ubuntu: apt-get install -y libxml2-utils)" };
  }
  return { status: r.status ?? 2, output: `${r.stdout}${r.stderr}` };
}

function main(argv: string[]): number {
  const files = argv.length > 0 ? argv : [defaultManifest];
  let status = 0;
  for (const file of files) {
    const r = validateManifest(file);
    process.stderr.write(r.output.endsWith("\n") || r.output === "" ? r.output : `${r.output}\n`);
    if (r.status !== 0) status = r.status;
  }
  return status;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv.slice(2)));
}
