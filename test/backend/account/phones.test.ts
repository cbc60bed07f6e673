import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, uniqueMobile } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { auditTypes, generateBackupCodes, startDelivery, type Delivery } from "../../support/secondFactor.js";

interface PhoneView {
  id: string;
  number: string;
  country: string;
  callingCode: string;
  name: string;
  verified: boolean;
  primary: boolean;
}

describe("phones (F17, HTTP API)", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    await delivery.close();
  });

  async function confirmCode(api: ApiClient, mobile: string): Promise<string> {
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    return delivery.smsCode(mobile);
  }

  it("lists the registered mobile as the verified primary phone", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const res = await api.get<{ phones: PhoneView[] }>("/api/account/phones");
    expect(res.status).to.equal(200);
    expect(res.body.phones).to.have.length(1);
    expect(res.body.phones[0]).to.include({
      number: user.mobile,
      country: "SE",
      callingCode: "46",
      verified: true,
      primary: true,
    });
  });

  it("adding needs a second factor; the new phone is verified by SMS before it can become primary; user.mobile mirrors it", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const backup = uniqueMobile();

    const noFactor = await api.post("/api/account/phones", {
      mobile: backup,
      name: "Work",
      method: "sms",
      code: "123456",
    });
    expect(noFactor.status).to.equal(400);
    expect(noFactor.body.error).to.equal("invalid_code");

    const invalidNumber = await api.post("/api/account/phones", {
      mobile: "+46 70 12",
      name: "Bad",
      method: "sms",
      code: await confirmCode(api, user.mobile!),
    });
    expect(invalidNumber.status).to.equal(422);
    expect(invalidNumber.body.error).to.equal("invalid_phone");

    const national = backup.replace("+46", "0");
    const added = await api.post<{ phone: PhoneView }>("/api/account/phones", {
      mobile: national,
      country: "se",
      name: "Work",
      method: "sms",
      code: await confirmCode(api, user.mobile!),
    });
    expect(added.status, added.text).to.equal(201);
    expect(added.body.phone).to.include({
      number: backup,
      country: "SE",
      name: "Work",
      verified: false,
      primary: false,
    });
    const id = added.body.phone.id;

    const early = await api.post(`/api/account/phones/${id}/primary`);
    expect(early.status, "an unverified phone cannot become primary").to.equal(422);
    expect(early.body.error).to.equal("phone_not_verified");

    const code = await delivery.smsCode(backup);
    expect(
      (await api.post(`/api/account/phones/${id}/verify`, { code: code === "000000" ? "111111" : "000000" })).status,
    ).to.equal(400);
    const verified = await api.post<{ phone: PhoneView }>(`/api/account/phones/${id}/verify`, { code });
    expect(verified.status, verified.text).to.equal(200);
    expect(verified.body.phone.verified).to.equal(true);

    const primary = await api.post<{ phone: PhoneView }>(`/api/account/phones/${id}/primary`);
    expect(primary.status).to.equal(200);
    expect(primary.body.phone.primary).to.equal(true);
    expect((await api.get<{ mobile: string }>("/api/account")).body.mobile).to.equal(backup);
    const list = await api.get<{ phones: PhoneView[] }>("/api/account/phones");
    expect(list.body.phones.filter((p) => p.primary).map((p) => p.number)).to.deep.equal([backup]);

    // Codes now go to the new primary.
    await api.post("/api/account/2fa/sms-code", { purpose: "confirm" });
    const next = await delivery.smsCode(backup);
    const old = list.body.phones.find((p) => p.number === user.mobile)!;
    const removed = await api.delete(`/api/account/phones/${old.id}`, { method: "sms", code: next });
    expect(removed.status, removed.text).to.equal(204);

    const types = await auditTypes(api);
    expect(types).to.include.members(["phone.added", "phone.verified", "phone.primary_changed", "phone.removed"]);
  });

  it("removing needs a second factor, and the primary cannot be removed", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const backup = uniqueMobile();
    const added = await api.post<{ phone: PhoneView }>("/api/account/phones", {
      mobile: backup,
      name: "Spare",
      method: "sms",
      code: await confirmCode(api, user.mobile!),
    });
    expect(added.status).to.equal(201);
    const id = added.body.phone.id;
    expect((await api.delete(`/api/account/phones/${id}`, { method: "sms", code: "000000" })).status).to.equal(400);
    expect((await api.delete(`/api/account/phones/${id}`, {})).status).to.equal(400);
    const primaryId = (await api.get<{ phones: PhoneView[] }>("/api/account/phones")).body.phones.find(
      (p) => p.primary,
    )!.id;
    const primary = await api.delete(`/api/account/phones/${primaryId}`, {
      method: "sms",
      code: await confirmCode(api, user.mobile!),
    });
    expect(primary.status).to.equal(409);
    expect(primary.body.error).to.equal("phone_is_primary");
    expect(
      (await api.delete(`/api/account/phones/${id}`, { method: "sms", code: await confirmCode(api, user.mobile!) }))
        .status,
    ).to.equal(204);
  });

  it("another user's phone is not found", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    const aliceApi = await signIn(alice);
    const bobApi = await signIn(bob);
    const alicePhone = (await aliceApi.get<{ phones: PhoneView[] }>("/api/account/phones")).body.phones[0];
    expect((await bobApi.post(`/api/account/phones/${alicePhone.id}/primary`)).status).to.equal(404);
    expect((await bobApi.post(`/api/account/phones/${alicePhone.id}/verify`, { code: "123456" })).status).to.equal(404);
    expect(
      (await bobApi.delete(`/api/account/phones/${alicePhone.id}`, { method: "sms", code: "123456" })).status,
    ).to.equal(404);
  });

  it("changed number: a one-time code adds the new mobile, which is verified by SMS and made primary", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const codes = await generateBackupCodes(api, user, delivery);
    const fresh = uniqueMobile();
    expect(
      (await api.post("/api/account/phones/replace-primary", { backupCode: "zzzzz-zzzzz", mobile: fresh })).status,
    ).to.equal(400);
    const added = await api.post<{ phone: PhoneView }>("/api/account/phones/replace-primary", {
      backupCode: codes[0],
      mobile: fresh,
      name: "New mobile",
    });
    expect(added.status, added.text).to.equal(201);
    const id = added.body.phone.id;
    const code = await delivery.smsCode(fresh);
    expect((await api.post(`/api/account/phones/${id}/verify`, { code })).status).to.equal(200);
    expect((await api.post(`/api/account/phones/${id}/primary`)).status).to.equal(200);
    expect((await api.get<{ mobile: string }>("/api/account")).body.mobile).to.equal(fresh);
    expect(
      (await api.post("/api/account/phones/replace-primary", { backupCode: codes[0], mobile: uniqueMobile() })).status,
      "the code is used",
    ).to.equal(400);
    expect(await auditTypes(api)).to.include("backup_code.used");
  });
});
