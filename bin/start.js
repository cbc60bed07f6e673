#!/usr/bin/env node
// In production runs the compiled server (`npm run build` writes dist/); otherwise the
// TypeScript sources through tsx, so `npm install && npm start` needs no build step. The web app
// is built into dist/web/ first when it is missing or its sources changed.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compiled = path.join(root, "dist/backend/src/main.js");
const { register } = await import("tsx/esm/api");
let registered = false;
const useTsx = () => {
  if (!registered) register();
  registered = true;
};
const production = process.env.NODE_ENV === "production" && existsSync(compiled);
if (!production || !existsSync(path.join(root, "dist/web/index.html"))) {
  // The web app: rebuilt (about a second, esbuild) only when its sources changed.
  useTsx();
  const { ensureWebApp } = await import(path.join(root, "backend/web/build.ts"));
  const { built } = await ensureWebApp();
  if (built) process.stdout.write("Web app built into dist/web/\n");
}
if (!production || !existsSync(path.join(root, "dist/addin/build.json"))) {
  // The Outlook add-in's static files (launch-event runtime, icons), served under /addin/.
  useTsx();
  const { ensureAddin } = await import(path.join(root, "addin/scripts/buildAddin.ts"));
  if ((await ensureAddin()).built) process.stdout.write("Add-in built into dist/addin/\n");
}
if (production) {
  await import(compiled);
} else {
  useTsx();
  await import(path.join(root, "backend/src/main.ts"));
}
