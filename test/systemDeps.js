// What `npm test` needs that npm cannot install: Debian's Chromium (browser tests), xmllint
// (the add-in manifest's XSD validation) and a font for Chromium to render text with. test/run.js
// checks them before any test runs: when something is missing it installs it with apt-get when
// running as root, and otherwise stops at once with one line naming the command to run. It never
// lets the browser tests be skipped.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

/** The Debian packages, each with how to tell it is there. */
export const requirements = [
  { pkg: "chromium", what: "Chromium for the browser tests", present: (p) => p.exists(p.chromiumPath) },
  { pkg: "libxml2-utils", what: "xmllint for the add-in manifest", present: (p) => p.onPath("xmllint") },
  { pkg: "fonts-dejavu-core", what: "a font for Chromium", present: (p) => p.hasFonts() },
];

function onPath(program, envPath = process.env.PATH ?? "") {
  return envPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, program), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function hasFonts(dirs = ["/usr/share/fonts", "/usr/local/share/fonts"]) {
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((e) =>
      e.isDirectory() ? depth < 4 && walk(path.join(dir, e.name), depth + 1) : /\.(ttf|otf|ttc|pfb)$/i.test(e.name),
    );
  };
  return dirs.some((d) => walk(d, 0));
}

/** The real machine. */
export function systemProbe(env = process.env) {
  return {
    chromiumPath: env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    chromiumPathGiven: Boolean(env.CHROMIUM_PATH),
    exists: (p) => fs.existsSync(p),
    onPath: (program) => onPath(program, env.PATH),
    hasFonts: () => hasFonts(),
    isRoot: typeof process.getuid === "function" && process.getuid() === 0,
    hasAptGet: onPath("apt-get", env.PATH),
    run: (command) =>
      spawnSync("sh", ["-c", command], { stdio: "inherit", env: { ...env, DEBIAN_FRONTEND: "noninteractive" } }).status,
  };
}

/** True when the selected specs (TEST_SPEC) include tests that need the system programs. */
export function needsSystemPrograms(spec) {
  return !spec || /browser|unit|\/web\b|\*\*\/\*/.test(spec);
}

/**
 * Checks and, where it can, installs. Returns null when everything is there (possibly after
 * installing), or the one line to print before stopping.
 */
export function ensureSystemPrograms(probe, write = (s) => process.stdout.write(s)) {
  const missing = () => requirements.filter((r) => !r.present(probe));
  const first = missing();
  if (first.length === 0) return null;
  if (probe.chromiumPathGiven && first.some((r) => r.pkg === "chromium")) {
    return `npm test: CHROMIUM_PATH=${probe.chromiumPath} does not exist; point it at Chromium or unset it to use /usr/bin/chromium`;
  }
  const pkgs = first.map((r) => r.pkg).join(" ");
  const install = `apt-get update && apt-get install -y --no-install-recommends ${pkgs}`;
  if (!probe.isRoot || !probe.hasAptGet) {
    return `npm test needs ${first.map((r) => r.what).join(", ")}: run \`sudo sh -c '${install}'\` and then npm test again`;
  }
  write(`npm test: installing ${pkgs} (${first.map((r) => r.what).join(", ")})\n`);
  const status = probe.run(install);
  const still = missing();
  if (status !== 0 || still.length) {
    return `npm test: \`${install}\` did not install ${still.map((r) => r.pkg).join(" ") || pkgs} (exit ${status}); install it and run npm test again`;
  }
  return null;
}
