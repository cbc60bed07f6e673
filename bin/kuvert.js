#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compiled = path.join(root, "dist/backend/src/cli/index.js");
// NODE_ENV may come from .env, as every other setting (as in bin/start.js).
(await import("dotenv")).config({ quiet: true });
if (process.env.NODE_ENV === "production" && existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(path.join(root, "backend/src/cli/index.ts"));
}
