import { expect } from "chai";
import {
  alertMessage,
  composeCommandId,
  handleError,
  onMessageSend,
  policyKey,
  type SendEventLike,
  type SmartAlertsCompletion,
} from "../../../addin/src/launchevents/onMessageSend.js";
import { createOfficeAdapter, type OfficeAdapter } from "../../../addin/src/office/adapter.js";
import { registerLaunchEvents } from "../../../addin/src/office/launchEvents.js";
import { FakeComposeItem, fakeOffice, type FakeOffice } from "../../support/fakeOffice.js";

class FakeEvent implements SendEventLike {
  calls: SmartAlertsCompletion[] = [];
  completed(options: SmartAlertsCompletion): void {
    this.calls.push(options);
  }
  get only(): SmartAlertsCompletion {
    expect(this.calls, "event.completed must be called exactly once").to.have.length(1);
    return this.calls[0];
  }
}

function draft(props: Partial<{ subject: string; body: string; attachments: string[] }> = {}): FakeComposeItem {
  const item = new FakeComposeItem();
  item.toList = [{ emailAddress: "mottagare@example.se", displayName: "Mottagare" }];
  item.subjectText = props.subject ?? "Möte på tisdag";
  item.bodyHtml = props.body ?? "<p>Hej! Vi ses kl 10 i rum 3. Ring 070-123 45 67 vid frågor.</p>";
  item.attachmentList = (props.attachments ?? []).map((name, i) => ({ id: `a${i}`, name, content: "YQ==" }));
  return item;
}

async function run(item: FakeComposeItem, opts: { displayLanguage?: string; setup?: (o: FakeOffice) => void } = {}) {
  const office = fakeOffice(item, { displayLanguage: opts.displayLanguage ?? "sv-SE" });
  opts.setup?.(office);
  const event = new FakeEvent();
  await onMessageSend(event, createOfficeAdapter(office));
  return event.only;
}

describe("add-in Smart Alerts: OnMessageSend", () => {
  it("lets a harmless message go", async () => {
    expect(await run(draft({ attachments: ["agenda.pdf"] }))).to.deep.equal({ allowEvent: true });
  });

  it("stops a message with a personal identity number in the body and offers Send securely (Swedish)", async () => {
    const result = await run(draft({ body: "<p>Gäller <b>19811218-9876</b></p>" }));
    expect(result.allowEvent).to.equal(false);
    expect(result.errorMessage).to.equal(
      "Meddelandet ser ut att innehålla känsliga uppgifter (ett personnummer i texten). Skicka det inte som vanlig e-post: välj Skicka säkert så krypteras det med Kuvert.",
    );
    expect(result.cancelLabel).to.equal("Skicka säkert");
    expect(result.commandId).to.equal(composeCommandId);
    expect(result).not.to.have.property("sendModeOverride");
    expect(result.errorMessage).not.to.contain("9876");
  });

  it("speaks English to an English Outlook and names the attachment", async () => {
    const result = await run(draft({ attachments: ["Medical_records_2024.pdf"] }), { displayLanguage: "en-US" });
    expect(result.allowEvent).to.equal(false);
    expect(result.errorMessage).to.equal(
      "This message seems to contain sensitive information (the word “medical record” in the attachment name “Medical_records_2024.pdf”). Don't send it as ordinary e-mail: choose Send securely to encrypt it with Kuvert.",
    );
    expect(result.cancelLabel).to.equal("Send securely");
  });

  it("flags a coordination number in the subject and a health word", async () => {
    const result = await run(draft({ subject: "Läkarintyg 701063-2391" }));
    expect(result.errorMessage).to.contain("ett samordningsnummer i ämnesraden");
    expect(result.errorMessage).to.contain("ordet ”läkarintyg” i ämnesraden");
  });

  it("uses the organisation's keywords and its send-anyway policy from roaming settings", async () => {
    const item = draft({ subject: "Projekt Falken: status" });
    expect(await run(item)).to.deep.equal({ allowEvent: true });
    const result = await run(item, {
      setup: (o) => o.settings.set(policyKey, { keywords: ["projekt falken"], allowSendAnyway: true }),
    });
    expect(result.allowEvent).to.equal(false);
    expect(result.errorMessage).to.contain("ordet ”projekt falken”");
    expect(result.sendModeOverride).to.equal("promptUser");
  });

  it("ignores a malformed cached policy", async () => {
    const result = await run(draft({ body: "<p>811218-9876</p>" }), {
      setup: (o) => o.settings.set(policyKey, { keywords: "diagnos", allowSendAnyway: "yes" }),
    });
    expect(result.allowEvent).to.equal(false);
    expect(result).not.to.have.property("sendModeOverride");
    expect(await run(draft(), { setup: (o) => o.settings.set(policyKey, "garbage") })).to.deep.equal({
      allowEvent: true,
    });
  });

  it("stops the send with a neutral message when Office fails, and completes exactly once", async () => {
    const item = draft({ body: "<p>secret 811218-9876</p>" });
    item.failures["body.getAsync"] = {
      code: 9000,
      name: "InternalServerError",
      message: "body 811218-9876 unavailable",
    };
    const result = await run(item);
    expect(result).to.deep.equal({
      allowEvent: false,
      errorMessage:
        "Kuvert kunde inte kontrollera meddelandet. Försök igen, eller välj Skicka säkert för att kryptera det.",
      cancelLabel: "Skicka säkert",
      commandId: composeCommandId,
    });
  });

  it("gives up after the time limit instead of hanging the send", async () => {
    const hanging = createOfficeAdapter(fakeOffice(draft(), { displayLanguage: "en-GB" }));
    const adapter: OfficeAdapter = { ...hanging, getAttachments: () => new Promise(() => undefined) };
    const event = new FakeEvent();
    const started = Date.now();
    await onMessageSend(event, adapter, { timeoutMs: 50 });
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(event.only.allowEvent).to.equal(false);
    expect(event.only.errorMessage).to.equal(
      "Kuvert could not check this message. Try again, or choose Send securely to encrypt it.",
    );
  });

  it("handles a throw before any Office call (e.g. no language) through handleError", async () => {
    const base = createOfficeAdapter(fakeOffice(draft()));
    const adapter: OfficeAdapter = {
      ...base,
      displayLanguage: () => {
        throw new Error("context not ready");
      },
    };
    const event = new FakeEvent();
    await onMessageSend(event, adapter);
    expect(event.only.allowEvent).to.equal(false);
    expect(event.only.errorMessage).to.contain("could not check");
  });

  it("handleError always completes, without error details", () => {
    const event = new FakeEvent();
    handleError(event, new Error("internal detail 811218-9876"), "sv");
    expect(event.only.allowEvent).to.equal(false);
    expect(event.only.errorMessage).not.to.contain("internal");
  });

  it("summarises many findings in at most 500 characters", () => {
    const findings = Array.from({ length: 12 }, (_, i) => ({
      kind: "keyword" as const,
      location: "attachment_name" as const,
      match: "diagnos*",
      attachmentName: `${"x".repeat(150)}-${i}.pdf`,
    }));
    const sv = alertMessage(findings, "sv");
    expect(sv.length).to.be.at.most(500);
    const short = alertMessage(
      findings.map((f, i) => ({ ...f, attachmentName: `f${i}.pdf` })),
      "sv",
    );
    expect(short).to.contain("och 9 till");
  });

  it("is associated under the manifest's FunctionName", async () => {
    const office = fakeOffice(draft({ subject: "Diagnos" }));
    const associated = new Map<string, (event: SendEventLike) => void>();
    registerLaunchEvents({ ...office, actions: { associate: (name, fn) => void associated.set(name, fn) } });
    expect([...associated.keys()]).to.deep.equal(["onMessageSendHandler"]);
    const event = new FakeEvent();
    associated.get("onMessageSendHandler")!(event);
    for (let i = 0; i < 50 && event.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(event.only.allowEvent).to.equal(false);
  });
});
