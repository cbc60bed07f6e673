import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { User } from "../../../backend/src/models/User.js";

describe("admin console: usage and plan (issue 10, F27)", function () {
  this.timeout(60_000);

  it("counts this month's messages, storage and members, with the plan's limits; another organisation's use is not counted", async () => {
    const org = await buildOrganisation();
    const admin = await signIn(await buildUser({ organisation: org, role: "admin" }));
    const staff = await buildUser({ organisation: org, role: "staff" });
    const gone = await buildUser({ organisation: org, role: "staff" });
    await User.update({ status: "deactivated" }, { where: { id: gone.id } });
    const sender = await signIn(staff);
    for (const subject of ["Ett", "Två"]) {
      const res = await sender.post("/api/messages", {
        to: [{ email: uniqueEmail("reader"), mobile: "+46701234598" }],
        subject,
        body: { text: "Hej" },
      });
      expect(res.status, res.text).to.equal(201);
    }
    const outsider = await signIn(await buildUser({ organisation: await buildOrganisation(), role: "staff" }));
    await outsider.post("/api/messages", {
      to: [{ email: uniqueEmail("reader"), mobile: "+46701234597" }],
      subject: "Annan",
      body: { text: "Hej" },
    });

    const res = await admin.get<Record<string, unknown>>("/api/admin/usage");
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({
      organisation: { name: org.name, plan: "organisation" },
      messagesThisMonth: 2,
      topSenderThisMonth: 2,
      monthlyQuotaPerSender: null,
      users: { active: 2, invited: 0, deactivated: 1, admins: 1 },
      attachmentLimitBytes: 500 * 1024 * 1024,
    });
    expect(res.body.storageBytes).to.be.a("number").and.above(0);

    await Organisation.update({ plan: "professional" }, { where: { id: org.id } });
    const professional = await admin.get<Record<string, unknown>>("/api/admin/usage");
    expect(professional.body.monthlyQuotaPerSender).to.equal(2500);
  });
});
