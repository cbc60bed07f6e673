import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const localesDir = path.resolve("backend/web/src/locales");

/**
 * All texts of one language, as i18n.ts merges them: sv.json at the top, and each
 * <namespace>.sv.json under the key <namespace> (e.g. settings.sv.json → "settings.…").
 */
function loadLanguage(lang: "sv" | "en"): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(localesDir).sort()) {
    const m = /^(?:([A-Za-z0-9_]+)\.)?(sv|en)\.json$/.exec(file);
    if (!m || m[2] !== lang) continue;
    const tree = JSON.parse(fs.readFileSync(path.join(localesDir, file), "utf8")) as Tree;
    for (const [k, v] of flatten(m[1] ? { [m[1]]: tree } : tree)) out.set(k, v);
  }
  return out;
}

const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const srcDir = path.resolve("backend/web/src");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );
}

describe("web app locales (sv, en)", () => {
  const svKeys = loadLanguage("sv");
  const enKeys = loadLanguage("en");

  it("have exactly the same keys", () => {
    expect(
      [...enKeys.keys()].filter((k) => !svKeys.has(k)),
      "in en, missing in sv",
    ).to.deep.equal([]);
    expect(
      [...svKeys.keys()].filter((k) => !enKeys.has(k)),
      "in sv, missing in en",
    ).to.deep.equal([]);
  });

  it("have no empty texts and the same {{variables}} in both languages", () => {
    for (const [key, text] of svKeys) {
      expect(text.trim(), `sv ${key}`).not.to.equal("");
      expect(enKeys.get(key)?.trim(), `en ${key}`).not.to.equal("");
      expect(variables(enKeys.get(key) ?? ""), key).to.deep.equal(variables(text));
    }
  });

  it('define every key the sources ask for with a literal t("...")', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const code = fs.readFileSync(file, "utf8");
      for (const m of code.matchAll(/\bt\(\s*"([A-Za-z0-9_.]+)"/g)) {
        const key = m[1];
        const plural = svKeys.has(`${key}_one`) && svKeys.has(`${key}_other`);
        if (!svKeys.has(key) && !plural) missing.push(`${path.relative(srcDir, file)}: ${key}`);
      }
      // Template keys like t(`section.${s}.title`): every prefix must exist as a group.
      for (const m of code.matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\.\$\{/g)) {
        const prefix = m[1];
        if (![...svKeys.keys()].some((k) => k.startsWith(`${prefix}.`)))
          missing.push(`${path.relative(srcDir, file)}: ${prefix}.*`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
