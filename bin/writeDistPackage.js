#!/usr/bin/env node
// The compiled server (dist/) resolves `#shared/*` through its own package.json, next to the
// compiled shared/ folder; `npm run build` writes it after tsc.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");
const pkg = { type: "module", private: true, imports: { "#shared/*": "./shared/*" } };
writeFileSync(path.join(dist, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
