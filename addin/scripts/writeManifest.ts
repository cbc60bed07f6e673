/**
 * Writes the Outlook add-in manifest (manifest.xml at the top level) from
 * addin/manifest.template.xml for the configured public URL.
 *
 * Config (environment or .env):
 *   PUBLIC_URL       where the backend serves the add-in (default http://localhost:$PORT, PORT 3000).
 *                    Outlook loads add-ins only over https: an http URL is refused unless it is
 *                    localhost (the committed manifest.xml); `npm run dev:https` writes an https
 *                    manifest for development (addin/scripts/devHttps.ts).
 *   ADDIN_SEND_MODE  SoftBlock (default) or Block: what Outlook does when the Smart Alerts
 *                    check finds sensitive content in a message sent the ordinary way
 *   ENTRA_CLIENT_ID  the Entra ID app registration's client id (default: all zeros = no
 *                    Microsoft sign-in configured)
 *
 * Run: `npm run manifest` (also part of `npm run build`); `-- --out file.xml` writes elsewhere.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import dotenv from "dotenv";
import { z } from "zod";

export const sendModes = ["SoftBlock", "Block"] as const;
export type SendMode = (typeof sendModes)[number];

export interface ManifestConfig {
  /** Absolute http(s) URL without a trailing slash. */
  publicUrl: string;
  sendMode: SendMode;
  entraClientId: string;
}

export const unsetClientId = "00000000-0000-0000-0000-000000000000";

const here = path.dirname(fileURLToPath(import.meta.url));
export const templatePath = path.resolve(here, "../manifest.template.xml");
export const defaultOutPath = path.resolve(here, "../../manifest.xml");

const ConfigSchema = z.object({
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !/[?#]/.test(u), "must not have a query or fragment")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  ADDIN_SEND_MODE: z.enum(sendModes).default("SoftBlock"),
  ENTRA_CLIENT_ID: z.guid().optional(),
});

/** Reads the manifest configuration; throws an Error naming the bad variable. */
export function manifestConfigFrom(source: NodeJS.ProcessEnv): ManifestConfig {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Configuration error: ${issue.path.join(".")} ${issue.message}`);
  }
  const c = parsed.data;
  return {
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ""),
    sendMode: c.ADDIN_SEND_MODE,
    entraClientId: (c.ENTRA_CLIENT_ID ?? unsetClientId).toLowerCase(),
  };
}

function escapeXml(value: string): string {
  return value.replace(
    /[<>&"']/g,
    (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch] ?? ch,
  );
}

/**
 * The Application ID URI Office SSO expects: api://<host of the add-in>/<client id>
 * (see README, "Install the add-in").
 */
export function entraResource(config: ManifestConfig): string {
  return `api://${new URL(config.publicUrl).host}/${config.entraClientId}`;
}

/** Fills the template's placeholders; every value is XML-escaped. */
export function renderManifest(template: string, config: ManifestConfig): string {
  const values: Record<string, string> = {
    PUBLIC_URL: config.publicUrl,
    PUBLIC_HOST: new URL(config.publicUrl).host,
    SEND_MODE: config.sendMode,
    ENTRA_CLIENT_ID: config.entraClientId,
    ENTRA_RESOURCE: entraResource(config),
  };
  const body = template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string, offset: number) => {
    // The header comment lists the placeholder names; leave those as written.
    if (template.lastIndexOf("<!--", offset) > template.lastIndexOf("-->", offset)) return match;
    const value = values[name];
    if (value === undefined) throw new Error(`manifest template: unknown placeholder ${match}`);
    return escapeXml(value);
  });
  return body;
}

/** Renders the template for `config` and writes it to `out`; returns the XML. */
export function writeManifest(config: ManifestConfig, out = defaultOutPath): string {
  const xml = renderManifest(fs.readFileSync(templatePath, "utf8"), config);
  fs.writeFileSync(out, xml);
  return xml;
}

function main(argv: string[]): void {
  dotenv.config({ quiet: true });
  const i = argv.indexOf("--out");
  const out = i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : defaultOutPath;
  const config = manifestConfigFrom(process.env);
  const host = new URL(config.publicUrl).hostname;
  const local = host === "localhost" || host === "127.0.0.1";
  if (!config.publicUrl.startsWith("https:") && !local) {
    // Outlook loads add-ins only over https: an http manifest for a real host would never work.
    throw new Error(
      `PUBLIC_URL is ${config.publicUrl}, but Outlook loads add-ins only over https: set an https:// PUBLIC_URL`,
    );
  }
  writeManifest(config, out);
  if (!config.publicUrl.startsWith("https:")) {
    process.stderr.write(
      `note: Outlook will not load an add-in from ${config.publicUrl} (http); to sideload in development run ` +
        "`npm run dev:https`, which writes an https manifest to var/manifest-https.xml\n",
    );
  }
  if (config.entraClientId === unsetClientId) {
    process.stderr.write("note: ENTRA_CLIENT_ID is not set; the manifest carries no Microsoft sign-in app id\n");
  }
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), out) || out} for ${config.publicUrl} (SendMode ${config.sendMode})\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
