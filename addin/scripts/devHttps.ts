/**
 * `npm run dev:https`: the development server over https://localhost:3000, so Outlook (which
 * loads add-ins only over https) can sideload the add-in from this machine.
 *
 * 1. office-addin-dev-certs creates a development CA and a certificate for localhost and
 *    127.0.0.1 in ~/.office-addin-dev-certs/ and asks the operating system to trust the CA
 *    (Windows: the user's certificate store; macOS: the login keychain; Linux: `sudo
 *    update-ca-certificates`, which needs sudo). When that fails the script stops with one line.
 * 2. The add-in manifest for the https URL is written to $VAR_DIR/manifest-https.xml (default
 *    var/): sideload that file, not the committed manifest.xml (http://localhost:3000).
 * 3. The server starts as `npm start` does, with HTTPS_CERT_FILE/HTTPS_KEY_FILE pointing at the
 *    certificate and PUBLIC_URL at https://localhost:$PORT (unless PUBLIC_URL is set to https).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import dotenv from "dotenv";
import devCerts from "office-addin-dev-certs";
import { manifestConfigFrom, writeManifest } from "./writeManifest.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where office-addin-dev-certs keeps its files (its defaults.ts: ~/.office-addin-dev-certs). */
export function devCertFiles(home = os.homedir()): { ca: string; cert: string; key: string } {
  const dir = path.join(home, ".office-addin-dev-certs");
  return { ca: path.join(dir, "ca.crt"), cert: path.join(dir, "localhost.crt"), key: path.join(dir, "localhost.key") };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

class DevHttpsError extends Error {}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const port = process.env.PORT || "3000";
  const publicUrl = (process.env.PUBLIC_URL || `https://localhost:${port}`).replace(/\/+$/, "");
  if (!publicUrl.startsWith("https://")) {
    throw new DevHttpsError(`PUBLIC_URL is ${publicUrl}; dev:https needs an https:// URL (or leave it unset)`);
  }
  try {
    await devCerts.getHttpsServerOptions();
  } catch (err) {
    throw new DevHttpsError(
      `the development certificate could not be created or trusted (${oneLine((err as Error).message)}); ` +
        "on Linux trusting it needs sudo and update-ca-certificates, so run `npx office-addin-dev-certs install` " +
        "as a user who may use sudo, or start with your own certificate: " +
        "HTTPS_CERT_FILE=cert.pem HTTPS_KEY_FILE=key.pem PUBLIC_URL=https://localhost:3000 npm start",
    );
  }
  const files = devCertFiles();
  process.env.HTTPS_CERT_FILE = files.cert;
  process.env.HTTPS_KEY_FILE = files.key;
  process.env.PUBLIC_URL = publicUrl;

  const varDir = path.resolve(process.env.VAR_DIR || "var");
  fs.mkdirSync(varDir, { recursive: true });
  const manifestFile = path.join(varDir, "manifest-https.xml");
  writeManifest(manifestConfigFrom(process.env), manifestFile);
  process.stdout.write(`Add-in manifest for ${publicUrl}: ${manifestFile} (sideload this file in Outlook)\n`);

  await import(path.join(root, "bin/start.js"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    const message = err instanceof DevHttpsError ? err.message : oneLine(err.message);
    process.stderr.write(`dev:https: ${message}\n`);
    process.exit(1);
  });
}
