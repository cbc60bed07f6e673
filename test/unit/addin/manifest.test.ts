import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import {
  defaultOutPath,
  manifestConfigFrom,
  renderManifest,
  templatePath,
  unsetClientId,
  writeManifest,
} from "../../../addin/scripts/writeManifest.js";
import { pngSize } from "../../../addin/scripts/png.js";
import { iconSizes } from "../../../addin/scripts/makeIcons.js";
import { hasXmllint, schemasDir, validateManifest as validate } from "../../../addin/scripts/validateManifest.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function tmpFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-manifest-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The text of the inner VersionOverrides 1.1 and of the outer 1.0 without it. */
function versionOverrides(xml: string): { v10: string; v11: string } {
  const start = xml.indexOf(
    '<VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1"',
  );
  const end = xml.indexOf("</VersionOverrides>", start) + "</VersionOverrides>".length;
  const outerStart = xml.indexOf(
    '<VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides"',
  );
  return { v11: xml.slice(start, end), v10: xml.slice(outerStart, start) + xml.slice(end) };
}

const otherConfig = manifestConfigFrom({
  PUBLIC_URL: "https://kuvert.example.se/",
  ADDIN_SEND_MODE: "Block",
  ENTRA_CLIENT_ID: "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
});

describe("add-in manifest", () => {
  const committed = fs.readFileSync(path.join(root, "manifest.xml"), "utf8");
  const template = fs.readFileSync(templatePath, "utf8");

  it("the committed manifest.xml is the template rendered for http://localhost:3000", () => {
    const expected = renderManifest(template, {
      publicUrl: "http://localhost:3000",
      sendMode: "SoftBlock",
      entraClientId: unsetClientId,
    });
    expect(committed).to.equal(expected, "run `npm run manifest` with no PUBLIC_URL set and commit manifest.xml");
    expect(defaultOutPath).to.equal(path.join(root, "manifest.xml"));
  });

  describe("XSD validation (addin/scripts/validateManifest.ts, addin/manifest-schemas/)", () => {
    before(function () {
      if (!hasXmllint()) {
        console.warn("      SKIPPED: xmllint is not installed (Debian: apt-get install -y libxml2-utils)");
        this.skip();
      }
    });

    it("uses the schemas inside the repository, unchanged (sha256 as listed in their README)", () => {
      expect(path.relative(root, schemasDir)).to.equal(path.join("addin", "manifest-schemas"));
      const listed = fs.readFileSync(path.join(schemasDir, "README.md"), "utf8");
      const sums = [...listed.matchAll(/^([0-9a-f]{64}) {2}(\S+\.xsd)$/gm)];
      const xsds = fs.readdirSync(schemasDir).filter((f) => f.endsWith(".xsd"));
      expect(sums.map((m) => m[2]).sort()).to.deep.equal(xsds.sort());
      for (const [, sum, name] of sums) {
        const actual = crypto
          .createHash("sha256")
          .update(fs.readFileSync(path.join(schemasDir, name)))
          .digest("hex");
        expect(actual, name).to.equal(sum);
      }
    });

    it("validates the committed manifest.xml", () => {
      const r = validate(path.join(root, "manifest.xml"));
      expect(r.status, r.output).to.equal(0);
    });

    it("validates a manifest written for another URL, Block mode and a client id", () => {
      const file = tmpFile("manifest.xml", "");
      const xml = writeManifest(otherConfig, file);
      const r = validate(file);
      expect(r.status, r.output).to.equal(0);
      expect(xml).to.contain(
        '<SourceLocation DefaultValue="https://kuvert.example.se/addin/taskpane.html?mode=compose"/>',
      );
      expect(xml).to.contain('SendMode="Block"');
      expect(xml).to.contain("<AppDomain>https://kuvert.example.se</AppDomain>");
      expect(xml).to.contain("<Id>3f2504e0-4f89-41d3-9a0c-0305e82c3301</Id>");
      expect(xml).to.contain("<Resource>api://kuvert.example.se/3f2504e0-4f89-41d3-9a0c-0305e82c3301</Resource>");
      expect(xml).not.to.contain("localhost");
    });

    it("rejects a manifest with an invalid SendMode or a missing ProviderName (the check is real)", () => {
      const badMode = validate(tmpFile("bad1.xml", committed.replace('SendMode="SoftBlock"', 'SendMode="Soft"')));
      expect(badMode.status).to.equal(3);
      const noProvider = validate(tmpFile("bad2.xml", committed.replace("<ProviderName>Kuvert</ProviderName>", "")));
      expect(noProvider.status).to.equal(3);
      expect(noProvider.output).to.contain("fails to validate");
      const withoutSource = committed.replace(/(<\/LaunchEvents>\s*)<SourceLocation resid="LaunchEvent.Url"\/>/, "$1");
      expect(withoutSource).not.to.equal(committed);
      const noSource = validate(tmpFile("bad3.xml", withoutSource));
      expect(noSource.status, noSource.output).to.equal(3);
    });

    it("answers 2 for a file that does not exist", () => {
      const r = validate(path.join(os.tmpdir(), "kuvert-no-such-manifest.xml"));
      expect(r.status).to.equal(2);
      expect(r.output).to.contain("no such file");
    });

    it("the npm script validates every file it is given and fails when one is broken", () => {
      const bad = tmpFile("bad4.xml", committed.replace("<ProviderName>Kuvert</ProviderName>", ""));
      const r = spawnSync(
        process.execPath,
        [
          "--import",
          import.meta.resolve("tsx/esm"),
          path.join(root, "addin/scripts/validateManifest.ts"),
          "manifest.xml",
          bad,
        ],
        { encoding: "utf8", cwd: root, timeout: 20_000 },
      );
      expect(r.stderr).to.contain("manifest.xml validates").and.contain(`${bad} fails to validate`);
      expect(r.status).to.equal(3);
    });
  });

  it("office-addin-manifest info reads it offline", () => {
    const cli = path.join(root, "node_modules/office-addin-manifest/cli.js");
    const r = spawnSync(process.execPath, [cli, "info", path.join(root, "manifest.xml")], {
      encoding: "utf8",
      timeout: 20_000,
      input: "",
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("Id: 6f1d7c2e-4b8a-4e53-9a51-0c6b3f2d9e71");
    expect(r.stdout).to.contain("Type: MailApp");
    expect(r.stdout).to.contain("Name: Kuvert säker e-post");
    expect(r.stdout).to.contain("Hosts: Mailbox");
  });

  it("has compose and read commands, the OnMessageSend launch event and Microsoft sign-in", () => {
    const { v10, v11 } = versionOverrides(committed);
    for (const vo of [v10, v11]) {
      expect(vo).to.contain('xsi:type="MessageComposeCommandSurface"');
      expect(vo).to.contain('xsi:type="MessageReadCommandSurface"');
    }
    expect(v11).to.match(
      /<LaunchEvent Type="OnMessageSend" FunctionName="onMessageSendHandler" SendMode="SoftBlock"\/>/,
    );
    expect(v11).to.contain("<WebApplicationInfo>");
    expect(v10).not.to.contain("LaunchEvent");
  });

  it("asks only for what the read surface needs (Mailbox 1.3), so Outlook mobile can load it", () => {
    const { v10, v11 } = versionOverrides(committed);
    expect(committed).to.contain('<Set Name="Mailbox" MinVersion="1.3"/>');
    expect(v10).to.contain('<bt:Sets DefaultMinVersion="1.3">');
    expect(v11).to.contain('<bt:Sets DefaultMinVersion="1.3">');
    expect([...committed.matchAll(/MinVersion="([\d.]+)"/g)].map((m) => m[1])).to.deep.equal(["1.3", "1.3", "1.3"]);
  });

  it("declares SupportsSharedFolders first in the 1.1 DesktopFormFactor, and the XSD enforces the order", () => {
    const { v10, v11 } = versionOverrides(committed);
    expect(v11).to.match(/<DesktopFormFactor>\s*<SupportsSharedFolders>true<\/SupportsSharedFolders>\s*<FunctionFile /);
    expect(v10).not.to.contain("SupportsSharedFolders");
    if (!hasXmllint()) return;
    const late = committed.replace(
      /(<DesktopFormFactor>\s*)<SupportsSharedFolders>true<\/SupportsSharedFolders>(\s*<FunctionFile resid="Commands.Url"\/>)/,
      "$1$2<SupportsSharedFolders>true</SupportsSharedFolders>",
    );
    expect(late).not.to.equal(committed);
    expect(validate(tmpFile("late-shared.xml", late)).status).to.equal(3);
  });

  it("offers the read pane on Outlook mobile (MobileFormFactor, read surface only, nine icons)", () => {
    const { v11 } = versionOverrides(committed);
    const mobile = /<MobileFormFactor>([\s\S]*?)<\/MobileFormFactor>/.exec(v11)?.[1] ?? "";
    expect(mobile).to.contain('<ExtensionPoint xsi:type="MobileMessageReadCommandSurface">');
    expect(mobile).to.contain('<SourceLocation resid="ReadTaskpane.Url"/>');
    expect(mobile).not.to.contain("Compose");
    const images = [...mobile.matchAll(/<bt:Image size="(\d+)" scale="(\d)" resid="Icon\.(\d+)x\d+"\/>/g)];
    expect(images.map((m) => `${m[1]}@${m[2]}`)).to.deep.equal(
      ["25", "32", "48"].flatMap((size) => ["1", "2", "3"].map((scale) => `${size}@${scale}`)),
    );
    for (const [, size, scale, px] of images) expect(Number(px)).to.equal(Number(size) * Number(scale));
  });

  it("defines every resid it uses, in each VersionOverrides, with an en-US override for every string", () => {
    for (const [name, vo] of Object.entries(versionOverrides(committed))) {
      const used = new Set([...vo.matchAll(/resid="([^"]+)"/g)].map((m) => m[1]));
      const defined = new Set([...vo.matchAll(/<bt:(?:Image|Url|String) id="([^"]+)"/g)].map((m) => m[1]));
      for (const id of used) expect(defined.has(id), `${name}: resid ${id}`).to.equal(true);
      const strings = [...vo.matchAll(/<bt:String id="([^"]+)"[^>]*>([\s\S]*?)<\/bt:String>/g)];
      expect(strings.length).to.be.greaterThan(3);
      for (const [, id, inner] of strings)
        expect(inner, `${name}: ${id}`).to.match(/<bt:Override Locale="en-US" Value="[^"]+"\/>/);
    }
  });

  it("points at icons that exist as PNGs of the named size", () => {
    const urls = [...committed.matchAll(/http:\/\/localhost:3000\/addin\/assets\/(icon-(\d+)\.png)/g)];
    const sizes = new Set(urls.map((m) => Number(m[2])));
    expect([...sizes].sort((a, b) => a - b)).to.deep.equal([...iconSizes]);
    for (const [, file, size] of urls) {
      const png = fs.readFileSync(path.join(root, "addin/assets", file));
      expect(pngSize(png)).to.deep.equal({ width: Number(size), height: Number(size) });
    }
  });

  describe("configuration", () => {
    it("defaults to http://localhost:$PORT, SoftBlock and no client id", () => {
      expect(manifestConfigFrom({})).to.deep.equal({
        publicUrl: "http://localhost:3000",
        sendMode: "SoftBlock",
        entraClientId: unsetClientId,
      });
      expect(manifestConfigFrom({ PORT: "8080" }).publicUrl).to.equal("http://localhost:8080");
      expect(otherConfig.publicUrl).to.equal("https://kuvert.example.se");
    });

    it("names the bad variable", () => {
      expect(() => manifestConfigFrom({ ADDIN_SEND_MODE: "Warn" })).to.throw(/ADDIN_SEND_MODE/);
      expect(() => manifestConfigFrom({ PUBLIC_URL: "ftp://x.example" })).to.throw(/PUBLIC_URL/);
      expect(() => manifestConfigFrom({ ENTRA_CLIENT_ID: "not-a-guid" })).to.throw(/ENTRA_CLIENT_ID/);
    });

    it("escapes values into the XML", () => {
      const xml = renderManifest(template, { ...otherConfig, publicUrl: "https://a.example/x&y" });
      expect(xml).to.contain("https://a.example/x&amp;y/addin/commands.html");
    });

    it("the npm script writes the manifest from the environment", () => {
      const out = tmpFile("m.xml", "");
      const r = spawnSync(
        process.execPath,
        ["--import", import.meta.resolve("tsx/esm"), path.join(root, "addin/scripts/writeManifest.ts"), "--out", out],
        {
          encoding: "utf8",
          cwd: os.tmpdir(),
          env: { PATH: process.env.PATH, PUBLIC_URL: "https://mail.example.org", ADDIN_SEND_MODE: "Block" },
          timeout: 20_000,
        },
      );
      expect(r.status, r.stderr).to.equal(0);
      expect(fs.readFileSync(out, "utf8"))
        .to.contain('SendMode="Block"')
        .and.contain("https://mail.example.org/addin/launchevent.html");
      const bad = spawnSync(
        process.execPath,
        ["--import", import.meta.resolve("tsx/esm"), path.join(root, "addin/scripts/writeManifest.ts"), "--out", out],
        {
          encoding: "utf8",
          cwd: os.tmpdir(),
          env: { PATH: process.env.PATH, ADDIN_SEND_MODE: "Maybe" },
          timeout: 20_000,
        },
      );
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.contain("ADDIN_SEND_MODE");
    });

    it("the npm script refuses an http PUBLIC_URL other than localhost: Outlook loads add-ins only over https", () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-manifest-")), "m.xml");
      const run = (publicUrl: string) =>
        spawnSync(
          process.execPath,
          ["--import", import.meta.resolve("tsx/esm"), path.join(root, "addin/scripts/writeManifest.ts"), "--out", out],
          {
            encoding: "utf8",
            cwd: os.tmpdir(),
            env: { PATH: process.env.PATH, PUBLIC_URL: publicUrl },
            timeout: 20_000,
          },
        );
      const refused = run("http://mail.example.org");
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.contain("http://mail.example.org").and.contain("only over https");
      expect(fs.existsSync(out)).to.equal(false);
      // localhost over http is still written (the committed manifest.xml), with a pointer to dev:https.
      const local = run("http://localhost:3000");
      expect(local.status, local.stderr).to.equal(0);
      expect(local.stderr).to.contain("npm run dev:https");
      expect(fs.readFileSync(out, "utf8")).to.contain("http://localhost:3000/addin/commands.html");
    });
  });
});
