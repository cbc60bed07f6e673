import { expect } from "chai";
import AdmZip from "adm-zip";
import { Message } from "../../../backend/src/models/Message.js";
import { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";
import { auditTypes, startDelivery, type Delivery } from "../../support/secondFactor.js";

type Exported = {
  id: string;
  subject?: string | null;
  bodyText?: string | null;
  content?: null;
  leftOut?: string;
};

const secrets = {
  plain: "Vanligt brev om bostadsbidraget.",
  idCheck: "Provsvaret visar diabetes typ 2.",
  burn: "Dörrkoden är 4711.",
  eyesOnly: "Bara för dina ögon: vittnesmålet.",
  expired: "Erbjudandet gällde till i går.",
};

/**
 * Issue 13: the export decrypted every active message with no ID check, no burn reveal, no
 * eyes-only or expiry check, and answered bearer tokens. The attacks: a token, a
 * password-only session, and the archive's content once the export is allowed.
 */
describe("export of my data keeps the security functions (issue 13)", () => {
  let delivery: Delivery;
  let staffApi: ApiClient;
  let me: User;
  const ids: Record<keyof typeof secrets, string> = { plain: "", idCheck: "", burn: "", eyesOnly: "", expired: "" };

  before(async () => {
    delivery = await startDelivery();
    const staff = await buildUser({ organisation: await buildOrganisation() });
    staffApi = await signIn(staff);
    me = await buildUser({ organisation: null });
    const optionsOf: Record<keyof typeof secrets, Record<string, unknown>> = {
      plain: {},
      idCheck: { idCheck: true },
      burn: { burnAfterReading: true },
      eyesOnly: { eyesOnly: true },
      expired: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    };
    for (const key of Object.keys(secrets) as Array<keyof typeof secrets>) {
      const res = await staffApi.post<{ id: string }>("/api/messages", {
        to: [{ email: me.email }],
        subject: `Ämne ${key}`,
        body: secrets[key],
        options: optionsOf[key],
      });
      expect(res.status, res.text).to.equal(201);
      ids[key] = res.body.id;
    }
    // Past its expiry date, before the sweeper ran.
    await Message.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: ids.expired } });
  });
  after(async () => {
    await delivery.close();
  });

  function contentOf(zip: AdmZip): Map<string, Exported> {
    return new Map(
      zip
        .getEntries()
        .filter((e) => e.entryName.endsWith("/message.json"))
        .map((e) => JSON.parse(e.getData().toString("utf8")) as Exported)
        .map((m) => [m.id, m]),
    );
  }

  async function exportAs(api: ApiClient, body: Record<string, unknown>) {
    const res = await fetch(`${api.baseUrl}/api/account/export`, {
      method: "POST",
      headers: {
        Cookie: api.cookieHeader(),
        "Content-Type": "application/json",
        "X-CSRF-Token": api.cookies.get("kuvert_csrf") ?? "",
        ...(api.bearer ? { Authorization: `Bearer ${api.bearer}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  it("refuses a bearer token, even one carrying the private key", async () => {
    const session = await signIn(me);
    const minted = await session.post<{ token: string }>("/api/account/tokens", {
      label: "Export attack",
      password: defaultPassword,
    });
    expect(minted.status, minted.text).to.equal(201);
    const api = await ApiClient.create();
    api.bearer = minted.body.token;
    // The token reads messages (it carries the key)…
    expect((await api.get(`/api/messages/${ids.plain}`)).status).to.equal(200);
    // …but the old GET export and the new POST are both refused.
    const viaGet = await api.get("/api/account/export");
    expect(viaGet.status, "GET export is gone").to.be.oneOf([404, 405]);
    expect(viaGet.text).to.not.contain("PK");
    const viaPost = await api.post("/api/account/export", { method: "sms", code: "123456" });
    expect(viaPost.status).to.equal(403);
    expect(viaPost.body).to.deep.include({ error: "forbidden" });
  });

  it("refuses a password-only session without a second factor, and a wrong one", async () => {
    const api = await signIn(me);
    const viaGet = await api.get("/api/account/export");
    expect(viaGet.status, "GET export is gone").to.be.oneOf([404, 405]);
    const bare = await api.post("/api/account/export", {});
    expect(bare.status).to.equal(403);
    expect(bare.body).to.deep.include({ error: "verification_required" });
    const wrong = await api.post("/api/account/export", { method: "sms", code: "000000" });
    expect(wrong.status).to.equal(400);
    expect(wrong.body).to.deep.include({ error: "invalid_code" });
    expect(await auditTypes(api)).to.not.include("account.exported");
  });

  it("with the factor: exports what I can read, and leaves out ID-check, burn, eyes-only and expired content", async () => {
    const api = await signIn(me);
    // An ID check this session passed counts, as it does for reading.
    const checked = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: me.email }],
      subject: "Kontrollerat",
      body: "Granskat i den här sessionen.",
      options: { idCheck: true },
    });
    expect((await api.post(`/api/messages/${checked.body.id}/id-check`)).status).to.equal(202);
    const idCode = await delivery.smsCode(me.mobile!);
    expect((await api.post(`/api/messages/${checked.body.id}/id-check/verify`, { code: idCode })).status).to.equal(200);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    const code = await delivery.smsCode(me.mobile!);
    const res = await exportAs(api, { method: "sms", code });
    expect(res.status, res.body.toString("utf8").slice(0, 200)).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("application/zip");
    const zip = new AdmZip(res.body);
    const all = zip
      .getEntries()
      .map((e) => e.getData().toString("utf8"))
      .join("\n");
    const byId = contentOf(zip);

    expect(byId.get(ids.plain)).to.include({ subject: "Ämne plain", bodyText: secrets.plain });
    expect(byId.get(checked.body.id)).to.include({ bodyText: "Granskat i den här sessionen." });
    expect(byId.get(ids.idCheck)).to.include({ content: null, leftOut: "id_check_pending" });
    expect(byId.get(ids.burn)).to.include({ content: null, leftOut: "burn_after_reading" });
    expect(byId.get(ids.eyesOnly)).to.include({ content: null, leftOut: "eyes_only" });
    expect(byId.get(ids.expired)).to.include({ content: null, leftOut: "expired" });
    for (const key of ["idCheck", "burn", "eyesOnly", "expired"] as const) {
      expect(all, key).to.not.contain(secrets[key]);
      expect(all, key).to.not.contain(`Ämne ${key}`);
    }
    const leftOut = JSON.parse(zip.getEntry("messages/left-out.json")!.getData().toString("utf8")) as Array<{
      id: string;
      reason: string;
    }>;
    expect(leftOut.map((l) => l.id).sort()).to.deep.equal([ids.idCheck, ids.burn, ids.eyesOnly, ids.expired].sort());
    // The code is spent: the same one does not export again.
    expect((await api.post("/api/account/export", { method: "sms", code })).status).to.equal(400);
    expect(await auditTypes(api)).to.include("account.exported");
  });

  it("asks a user without any second factor for the password instead", async () => {
    const plain = await buildUser({ organisation: null });
    await User.update({ mobile: null }, { where: { id: plain.id } });
    const api = await signIn(plain);
    expect((await api.post("/api/account/export", {})).body).to.deep.include({ error: "verification_required" });
    const wrong = await api.post("/api/account/export", { password: "Wrong-password-42" });
    expect(wrong.status).to.equal(403);
    expect(wrong.body).to.deep.include({ error: "invalid_password" });
    const ok = await exportAs(api, { password: defaultPassword });
    expect(ok.status).to.equal(200);
    expect(ok.body.subarray(0, 4).toString("hex")).to.equal("504b0304");
  });
});
