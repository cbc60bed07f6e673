// Smart Alerts policy via roaming settings (issue 12): an admin sets it, the pane's sync (the
// function the task pane runs after sign-in) writes it into Office's roaming settings over the
// real backend, and the OnMessageSend handler reads it from there.
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { createOfficeAdapter } from "../../../addin/src/office/adapter.js";
import { onMessageSend, policyKey, type SmartAlertsCompletion } from "../../../addin/src/launchevents/onMessageSend.js";
import { fitPolicy, POLICY_BUDGET_BYTES, syncSmartAlertsPolicy } from "../../../addin/src/taskpane/roamingPolicy.js";
import type { KuvertApi } from "../../../addin/src/taskpane/api.js";
import { FakeComposeItem, fakeOffice } from "../../support/fakeOffice.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { getTestServer } from "../../support/server.js";

describe("Smart Alerts policy: admin → pane → roaming settings → launch event", () => {
  it("the roamed policy reaches the OnMessageSend handler: keywords, send anyway, and block", async () => {
    const org = await buildOrganisation();
    const admin = await signIn(await buildUser({ organisation: org, role: "admin" }));
    const staff = await buildUser({ organisation: org, role: "staff" });
    const token = await transaction(async (t) => (await issueApiToken(t, staff, "test")).token);
    const api: KuvertApi = { base: await getTestServer(), token, fetch };

    const set = await admin.patch<{ policies: { smartAlerts: unknown } }>("/api/admin/policies", {
      smartAlerts: { keywords: ["Projekt Falken", " projekt falken "], sendMode: "softBlock", allowSendAnyway: true },
    });
    expect(set.status, set.text).to.equal(200);
    expect(set.body.policies.smartAlerts).to.deep.equal({
      keywords: ["Projekt Falken"],
      sendMode: "softBlock",
      allowSendAnyway: true,
    });

    const item = new FakeComposeItem({ canSend: true });
    item.subjectText = "Projekt Falken: status";
    item.bodyHtml = "<p>Hej</p>";
    const host = fakeOffice(item, { displayLanguage: "sv-SE" });
    const office = createOfficeAdapter(host);
    const send = async () => {
      const calls: SmartAlertsCompletion[] = [];
      await onMessageSend({ completed: (o) => calls.push(o) }, office);
      expect(calls).to.have.length(1);
      return calls[0];
    };
    // Before the pane ran: nothing roamed, the organisation's word is not known.
    expect(await send()).to.deep.equal({ allowEvent: true });

    await syncSmartAlertsPolicy(office, api);
    expect(host.savedSettings.get(policyKey), "saved to the mailbox").to.deep.equal({
      keywords: ["Projekt Falken"],
      sendMode: "softBlock",
      allowSendAnyway: true,
    });
    let result = await send();
    expect(result.allowEvent).to.equal(false);
    expect(result.errorMessage?.toLowerCase()).to.contain("projekt falken");
    expect(result.sendModeOverride).to.equal("promptUser");

    // Block: the alert never offers "Send anyway".
    expect((await admin.patch("/api/admin/policies", { smartAlerts: { sendMode: "block" } })).status).to.equal(200);
    await syncSmartAlertsPolicy(office, api);
    result = await send();
    expect(result.allowEvent).to.equal(false);
    expect(result).to.not.have.property("sendModeOverride");
    expect(item.concurrency.max, "Office calls one at a time").to.equal(1);
  });

  it("stays within the 32 KB of roaming settings: keywords that do not fit are left out", () => {
    const keywords = Array.from({ length: 200 }, (_, i) => `${"ö".repeat(95)}${String(i).padStart(3, "0")}`);
    const fitted = fitPolicy({ keywords, sendMode: "softBlock", allowSendAnyway: false });
    const bytes = new TextEncoder().encode(JSON.stringify({ [policyKey]: fitted })).length;
    expect(bytes).to.be.at.most(POLICY_BUDGET_BYTES);
    expect(fitted.keywords.length).to.be.greaterThan(100).and.lessThan(200);
    expect(fitted.keywords).to.deep.equal(keywords.slice(0, fitted.keywords.length));
  });
});
