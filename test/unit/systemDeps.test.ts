import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
// @ts-expect-error: plain JavaScript module of the test runner, no type declarations
import { ensureSystemPrograms, needsSystemPrograms } from "../systemDeps.js";

interface FakeMachine {
  chromium: boolean;
  xmllint: boolean;
  fonts: boolean;
  isRoot: boolean;
  hasAptGet: boolean;
  ran: string[];
  aptWorks: boolean;
}

function probe(m: FakeMachine, chromiumPathGiven = false) {
  return {
    chromiumPath: "/usr/bin/chromium",
    chromiumPathGiven,
    exists: () => m.chromium,
    onPath: (program: string) => program === "xmllint" && m.xmllint,
    hasFonts: () => m.fonts,
    isRoot: m.isRoot,
    hasAptGet: m.hasAptGet,
    run: (command: string) => {
      m.ran.push(command);
      if (!m.aptWorks) return 100;
      for (const pkg of ["chromium", "libxml2-utils", "fonts-dejavu-core"]) {
        if (command.includes(` ${pkg}`)) {
          if (pkg === "chromium") m.chromium = true;
          if (pkg === "libxml2-utils") m.xmllint = true;
          if (pkg === "fonts-dejavu-core") m.fonts = true;
        }
      }
      return 0;
    },
  };
}

const machine = (over: Partial<FakeMachine>): FakeMachine => ({
  chromium: true,
  xmllint: true,
  fonts: true,
  isRoot: true,
  hasAptGet: true,
  ran: [],
  aptWorks: true,
  ...over,
});

describe("npm test sets itself up (test/systemDeps.js)", () => {
  const quiet = () => undefined;

  it("does nothing when Chromium, xmllint and a font are there", () => {
    const m = machine({});
    expect(ensureSystemPrograms(probe(m), quiet)).to.equal(null);
    expect(m.ran).to.deep.equal([]);
  });

  it("as root, installs exactly what is missing with apt-get and goes on", () => {
    const m = machine({ chromium: false, fonts: false });
    expect(ensureSystemPrograms(probe(m), quiet)).to.equal(null);
    expect(m.ran).to.deep.equal([
      "apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core",
    ]);
  });

  it("as root, stops with one line when apt-get fails", () => {
    const m = machine({ xmllint: false, aptWorks: false });
    const line = ensureSystemPrograms(probe(m), quiet) as string;
    expect(line).to.match(/libxml2-utils/);
    expect(line).not.to.include("\n");
  });

  it("not as root, stops at once with one line naming the command, and installs nothing", () => {
    const m = machine({ isRoot: false, chromium: false, xmllint: false });
    const line = ensureSystemPrograms(probe(m), quiet) as string;
    expect(line).to.include("apt-get update && apt-get install -y --no-install-recommends chromium libxml2-utils");
    expect(line).not.to.include("\n");
    expect(m.ran).to.deep.equal([]);
  });

  it("checks whenever the selected tests include browser or unit tests", () => {
    expect(needsSystemPrograms(undefined)).to.equal(true);
    expect(needsSystemPrograms("test/browser/compose.test.ts")).to.equal(true);
    expect(needsSystemPrograms("test/backend/web/recipient.test.ts")).to.equal(true);
    expect(needsSystemPrograms("test/unit/**/*.test.ts")).to.equal(true);
    expect(needsSystemPrograms("test/backend/fuzz.test.ts")).to.equal(false);
  });

  it("`node test/run.js` stops before any test with one line when Chromium cannot be found", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const r = spawnSync(process.execPath, [path.join(root, "test/run.js")], {
      cwd: root,
      env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium", TEST_SPEC: "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).to.equal(1);
    expect(r.stdout).not.to.include("===");
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.include("CHROMIUM_PATH=/nonexistent/chromium");
  });
});
