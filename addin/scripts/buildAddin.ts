/**
 * Builds the add-in's static files into dist/addin/ (served under /addin/ by the backend):
 * - launchevent.js: the Smart Alerts runtime (IIFE, no DOM, ES2017 for the JavaScript-only
 *   runtime of classic Outlook on Windows) and launchevent.html that loads it after office.js;
 * - commands.html + commands.js: the manifest's FunctionFile;
 * - assets/icon-*.png.
 * - taskpane.html + taskpane.js: the compose and read task pane (React + Fluent UI, IIFE for
 *   modern browsers; it renders after Office.onReady).
 * - signin.html + signin.js: the Kuvert sign-in page the pane opens in an Office dialog
 *   (displayDialogAsync) where Microsoft sign-in is not possible; loads office.js like the pane.
 * Run: `npx tsx addin/scripts/buildAddin.ts`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { addinBundleDir } from "#shared/build/paths.js";
import { officeJsOrigin } from "#shared/officeHosts.js";
import { listFiles, sourceFingerprint } from "#shared/build/sourceFingerprint.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const addinRoot = path.resolve(here, "..");
const projectRoot = path.resolve(addinRoot, "..");
/** Microsoft's hosted office.js (required for add-ins in production). */
export const officeJsUrl = `${officeJsOrigin}/lib/1/hosted/office.js`;

function fingerprint(minify: boolean): string {
  const files = [
    ...listFiles(path.join(addinRoot, "src")),
    ...listFiles(path.join(addinRoot, "assets")),
    ...listFiles(path.join(projectRoot, "shared")),
    fileURLToPath(import.meta.url),
  ];
  return sourceFingerprint(projectRoot, files, minify);
}

const page = (title: string, script: string) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>${title}</title>
<script src="${officeJsUrl}"></script>
<script src="${script}"></script>
</head>
<body></body>
</html>
`;

/** A React page (the task pane, the sign-in dialog): office.js first, then its bundle. */
const reactPage = (title: string, script: string) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<script src="${officeJsUrl}"></script>
<script src="${script}" defer></script>
</head>
<body>
<div id="root"></div>
<noscript>Kuvert behöver JavaScript. Kuvert needs JavaScript.</noscript>
</body>
</html>
`;

/** The FunctionFile: the add-in has no function commands yet, it only has to initialise. */
const commandsJs = `Office.onReady(function () {});\n`;

/** Builds into `outDir` (written to a temporary folder, then swapped in). */
export async function buildAddin(opts: { outDir?: string; minify?: boolean } = {}): Promise<void> {
  const outDir = opts.outDir ?? addinBundleDir;
  const minify = opts.minify ?? true;
  const tmp = `${outDir}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: { launchevent: path.join(addinRoot, "src/launchevents/entry.ts") },
    bundle: true,
    format: "iife",
    platform: "neutral",
    target: ["es2017"],
    outdir: tmp,
    minify,
    legalComments: "none",
    logLevel: "warning",
  });
  await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: {
      taskpane: path.join(addinRoot, "src/taskpane/index.tsx"),
      signin: path.join(addinRoot, "src/signin/index.tsx"),
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["es2020", "chrome100", "edge100", "safari15", "firefox100"],
    jsx: "automatic",
    outdir: tmp,
    minify,
    legalComments: "none",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": JSON.stringify(minify ? "production" : "development") },
    // Fluent registers no web fonts from Microsoft's CDN (the CSP allows this site only).
    banner: { js: 'globalThis.FabricConfig = Object.assign(globalThis.FabricConfig || {}, { fontBaseUrl: "" });' },
  });
  fs.writeFileSync(path.join(tmp, "taskpane.html"), reactPage("Kuvert", "taskpane.js"));
  fs.writeFileSync(path.join(tmp, "signin.html"), reactPage("Logga in på Kuvert", "signin.js"));
  fs.writeFileSync(path.join(tmp, "launchevent.html"), page("Kuvert", "launchevent.js"));
  fs.writeFileSync(path.join(tmp, "commands.html"), page("Kuvert", "commands.js"));
  fs.writeFileSync(path.join(tmp, "commands.js"), commandsJs);
  fs.mkdirSync(path.join(tmp, "assets"));
  for (const icon of fs.readdirSync(path.join(addinRoot, "assets")).filter((f) => /^icon-\d+\.png$/.test(f))) {
    fs.copyFileSync(path.join(addinRoot, "assets", icon), path.join(tmp, "assets", icon));
  }
  fs.writeFileSync(path.join(tmp, "build.json"), JSON.stringify({ fingerprint: fingerprint(minify) }) + "\n");
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const old = `${outDir}.old-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  try {
    fs.renameSync(tmp, outDir);
  } catch (err) {
    if (!fs.existsSync(path.join(outDir, "build.json"))) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** Builds unless `outDir` already holds a build of exactly these sources. */
export async function ensureAddin(opts: { outDir?: string; minify?: boolean } = {}): Promise<{ built: boolean }> {
  const outDir = opts.outDir ?? addinBundleDir;
  try {
    const info = JSON.parse(fs.readFileSync(path.join(outDir, "build.json"), "utf8")) as { fingerprint: string };
    if (info.fingerprint === fingerprint(opts.minify ?? true)) return { built: false };
  } catch {
    // no build yet
  }
  await buildAddin(opts);
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildAddin();
  process.stdout.write(`add-in built into dist/addin/ in ${Date.now() - started} ms\n`);
}
