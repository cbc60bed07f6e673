import crypto from "node:crypto";
import { expect } from "chai";
import { runCli } from "../support/processes.js";
import { User } from "../../backend/src/models/User.js";

describe("operator CLI (bin/kuvert.js)", function () {
  this.timeout(60_000);
  const name = `Kommun ${crypto.randomBytes(3).toString("hex")}`;

  it("creates an organisation and prints JSON", async () => {
    const r = await runCli(["org:create", "--name", name, "--region", "de"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { id: string; name: string; region: string };
    expect(out).to.include({ name, region: "de" });
  });

  it("org:policy --show prints the organisation's policies and its signature policy", async () => {
    const r = await runCli(["org:policy", "--org", name, "--show"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      organisation: string;
      policies: { zeroAccess: boolean; lockout: { threshold: number } };
      signature: { mode: string; version: number; html: string };
    };
    expect(out.organisation).to.equal(name);
    expect(out.policies).to.deep.include({ zeroAccess: false });
    expect(out.policies.lockout.threshold).to.equal(3);
    expect(out.signature).to.include({ mode: "default", version: 0, html: "" });
    const neither = await runCli(["org:policy", "--org", name]);
    expect(neither.code).to.equal(1);
    expect(JSON.parse(neither.stderr)).to.include({ error: "invalid_argument" });
  });

  it("refuses a duplicate organisation with a clear JSON error and a non-zero exit", async () => {
    const r = await runCli(["org:create", "--name", name]);
    expect(r.code).to.equal(1);
    expect(JSON.parse(r.stderr)).to.include({ error: "organisation_exists" });
  });

  it("creates a user in that organisation; bad flags are usage errors", async () => {
    const email = `staff-${crypto.randomBytes(3).toString("hex")}@example.test`;
    const ok = await runCli([
      "user:create",
      "--org",
      name,
      "--email",
      email,
      "--mobile",
      "+46701234567",
      "--password",
      "Sommar2026kaffe",
      "--role",
      "admin",
    ]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout)).to.include({ email, role: "admin" });
    const user = await User.findOne({ where: { email } });
    expect(user?.role).to.equal("admin");
    expect(user?.passwordHash).to.match(/^scrypt\+pepper\$/);

    const missing = await runCli(["user:create", "--org", name, "--email", "x@example.test"]);
    expect(missing.code).to.equal(64);
    expect(JSON.parse(missing.stderr).message).to.match(/--mobile is required/);

    const badMobile = await runCli([
      "user:create",
      "--org",
      name,
      "--email",
      "y@example.test",
      "--mobile",
      "0701234567",
      "--password",
      "Sommar2026kaffe",
    ]);
    expect(badMobile.code).to.equal(1);
    expect(JSON.parse(badMobile.stderr)).to.include({ error: "invalid_argument" });

    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).to.equal(64);
  });

  it("blobs:sweep runs the reaper and the orphan sweep and prints what it removed; a bad grace is a usage error", async () => {
    const r = await runCli(["blobs:sweep"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { reaped: number; orphans: number };
    expect(out.reaped).to.be.a("number");
    expect(out.orphans).to.be.a("number");
    for (const bad of ["soon", "1.5", "9999999"]) {
      const refused = await runCli(["blobs:sweep", "--older-than-minutes", bad]);
      expect(refused.code, bad).to.equal(1);
      expect(JSON.parse(refused.stderr), bad).to.include({ error: "invalid_argument" });
    }
  });
});
