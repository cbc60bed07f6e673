import { expect } from "chai";
import { Op } from "sequelize";
import { User } from "../../../backend/src/models/User.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { runCli } from "../../support/processes.js";
import { startDelivery, type Delivery } from "../../support/secondFactor.js";

const newPassword = "Ny-lösen-2468-zero";

async function reload(user: User): Promise<User> {
  return (await User.findByPk(user.id))!;
}

describe("zero-access is retroactive: switching it on drops the staff's escrow copies", function () {
  this.timeout(90_000);
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    await delivery.worker.stop();
    await delivery.close();
  });

  it("org:policy --set zeroAccess=true: escrow gone in the same step (audited); a reset can no longer recover the old key", async () => {
    const org = await buildOrganisation();
    const staff = await buildUser({ organisation: org });
    const colleague = await buildUser({ organisation: org });
    const outsider = await buildUser({ organisation: await buildOrganisation() });
    for (const u of [staff, colleague, outsider]) expect((await reload(u)).privateKeyEscrow).to.be.a("string");

    // A message the staff member can read today, encrypted to their current key.
    const outsiderApi = await signIn(outsider);
    const sent = await outsiderApi.post<{ id: string }>("/api/messages", {
      to: [{ email: staff.email }],
      subject: "Före",
      body: "Krypterad till den gamla nyckeln",
    });
    expect(sent.status, sent.text).to.equal(201);
    const oldPublicKey = (await reload(staff)).publicKey;

    const cli = await runCli(["org:policy", "--org", org.name, "--set", "zeroAccess=true"]);
    expect(cli.code, cli.stderr + cli.stdout).to.equal(0);
    expect(JSON.parse(cli.stdout)).to.deep.include({ zeroAccess: true, escrowCopiesDropped: 2 });
    expect((await Organisation.findByPk(org.id))!.policy.zeroAccess).to.equal(true);
    for (const u of [staff, colleague]) expect((await reload(u)).privateKeyEscrow).to.equal(null);
    expect((await reload(outsider)).privateKeyEscrow, "other organisations keep theirs").to.be.a("string");
    expect(
      await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.zero_access_enabled" } }),
    ).to.equal(1);

    // The staff member still reads with the password (the password-wrapped copy stays).
    const staffApi = await signIn(staff);
    const before = await staffApi.get<{ text: string }>(`/api/messages/${sent.body.id}`);
    expect(before.status).to.equal(200);
    expect(before.body.text).to.equal("Krypterad till den gamla nyckeln");

    // A password reset now cannot come from escrow: a new key pair, the old message stays closed.
    const anon = await ApiClient.create();
    expect((await anon.post("/api/auth/password-reset", { email: staff.email })).status).to.equal(202);
    const code = await delivery.smsCode(staff.mobile!);
    const reset = await anon.post("/api/auth/password-reset/confirm", {
      email: staff.email,
      code,
      password: newPassword,
    });
    expect(reset.status, reset.text).to.equal(200);
    const after = await reload(staff);
    expect(after.publicKey).to.not.equal(oldPublicKey);
    expect(after.privateKeyEscrow).to.equal(null);
    expect(
      await AuditEvent.count({
        where: { userId: staff.id, type: { [Op.in]: ["keys.escrow_recovered", "keys.regenerated"] } },
      }),
    ).to.equal(1);
    expect(await AuditEvent.count({ where: { userId: staff.id, type: "keys.regenerated" } })).to.equal(1);
    const fresh = await signIn(staff, newPassword);
    const old = await fresh.get(`/api/messages/${sent.body.id}`);
    expect(old.status, old.text).to.equal(410);
    expect(old.body.error).to.equal("message_key_lost");
    expect(old.text).to.not.contain("Krypterad till den gamla nyckeln");
  });

  it("org:policy refuses an unknown setting and an unknown organisation", async () => {
    const org = await buildOrganisation();
    const bad = await runCli(["org:policy", "--org", org.name, "--set", "zeroAccess=maybe"]);
    expect(bad.code).to.not.equal(0);
    const unknown = await runCli(["org:policy", "--org", "no-such-org-zzz", "--set", "zeroAccess=true"]);
    expect(unknown.code).to.not.equal(0);
  });
});
