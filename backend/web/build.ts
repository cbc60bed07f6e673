// Builds the secure web mailbox (React + Fluent UI) with esbuild into dist/web/:
// index.html plus content-hashed files under assets/ (with .gz and .br beside them).
// `npx tsx backend/web/build.ts` builds; `ensureWebApp()` builds only when the sources changed.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { webBundleDir } from "../src/middlewares/webApp.js";
import { listFiles, sourceFingerprint } from "#shared/build/sourceFingerprint.js";

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(webRoot, "src");
const projectRoot = path.resolve(webRoot, "..", "..");

interface BuildInfo {
  fingerprint: string;
  script: string;
  style: string | null;
}

/** A hash over every web source file, the shared code it imports, this script and the installed dependency versions. */
function fingerprint(minify: boolean): string {
  return sourceFingerprint(
    projectRoot,
    [
      ...listFiles(srcDir),
      ...listFiles(path.join(projectRoot, "shared")),
      fileURLToPath(import.meta.url),
      path.join(projectRoot, "package-lock.json"),
    ],
    minify,
  );
}

const indexHtml = (info: BuildInfo) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Kuvert</title>
<link rel="icon" type="image/svg+xml" href="/assets/favicon.svg">
${info.style ? `<link rel="stylesheet" href="/assets/${info.style}">\n` : ""}<script type="module" src="/assets/${info.script}"></script>
</head>
<body>
<div id="root"></div>
<noscript>Kuvert behöver JavaScript. Kuvert needs JavaScript.</noscript>
</body>
</html>
`;

const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f5c8c"/><path d="M6 10h20v13H6z" fill="#fff"/><path d="M6 10l10 8 10-8" fill="none" stroke="#0f5c8c" stroke-width="2"/></svg>\n`;

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
  /** "max": brotli quality 11 (seconds; for release builds); "fast" (default): quality 5. */
  compression?: "max" | "fast";
}

/** Builds the web app into `outDir` (written to a temporary folder, then swapped in). */
export async function buildWebApp(opts: BuildOptions = {}): Promise<BuildInfo> {
  const outDir = opts.outDir ?? webBundleDir;
  const minify = opts.minify ?? true;
  const tmp = `${outDir}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const assets = path.join(tmp, "assets");
  const result = await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: { app: path.join(srcDir, "main.tsx") },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2020", "chrome100", "firefox100", "safari15"],
    outdir: assets,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    assetNames: "[name]-[hash]",
    // Sections can be loaded on demand with React.lazy(() => import(...)): each becomes a chunk.
    splitting: true,
    minify,
    sourcemap: "linked",
    metafile: true,
    jsx: "automatic",
    define: { "process.env.NODE_ENV": JSON.stringify(minify ? "production" : "development") },
    legalComments: "linked",
    // At the top of every output file, so it runs before any Fluent module wherever code
    // splitting puts them: with an empty base URL Fluent registers no web fonts from Microsoft's
    // CDN (the CSP allows fonts from this site only; system fonts serve).
    banner: { js: 'globalThis.FabricConfig = Object.assign(globalThis.FabricConfig || {}, { fontBaseUrl: "" });' },
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
  const script = outputs.find((f) => f.startsWith("app-") && f.endsWith(".js"));
  if (!script) throw new Error("web build produced no script");
  const style = outputs.find((f) => f.startsWith("app-") && f.endsWith(".css")) ?? null;
  fs.writeFileSync(path.join(assets, "favicon.svg"), favicon);
  for (const file of outputs.filter((f) => f.endsWith(".js") || f.endsWith(".css"))) {
    const data = fs.readFileSync(path.join(assets, file));
    fs.writeFileSync(path.join(assets, `${file}.gz`), zlib.gzipSync(data, { level: 9 }));
    const quality = opts.compression === "max" ? 11 : 5;
    fs.writeFileSync(
      path.join(assets, `${file}.br`),
      zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }),
    );
  }
  const info: BuildInfo = { fingerprint: fingerprint(minify), script, style };
  fs.writeFileSync(path.join(tmp, "index.html"), indexHtml(info));
  fs.writeFileSync(path.join(tmp, "build.json"), JSON.stringify(info, null, 2) + "\n");
  // Swap in: rename the old folder away first, so a reader never sees a half-written bundle.
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const old = `${outDir}.old-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  try {
    fs.renameSync(tmp, outDir);
  } catch (err) {
    // Another process swapped in its build of the same sources at the same moment: keep it.
    if (!fs.existsSync(path.join(outDir, "index.html"))) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  return info;
}

/** Builds the web app unless dist/web already holds a build of exactly these sources. */
export async function ensureWebApp(opts: BuildOptions = {}): Promise<{ built: boolean }> {
  const outDir = opts.outDir ?? webBundleDir;
  try {
    const info = JSON.parse(fs.readFileSync(path.join(outDir, "build.json"), "utf8")) as BuildInfo;
    if (info.fingerprint === fingerprint(opts.minify ?? true) && fs.existsSync(path.join(outDir, "index.html"))) {
      return { built: false };
    }
  } catch {
    // no build yet
  }
  await buildWebApp(opts);
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const info = await buildWebApp({ compression: "max" });
  process.stdout.write(`web app built in ${Date.now() - started} ms: dist/web/assets/${info.script}\n`);
}
