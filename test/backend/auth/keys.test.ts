import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";
import { enableTotp, signIn } from "../../support/auth.js";
import { totpCodeAt } from "../../../backend/src/services/totp.js";

/**
 * The private key unlocked at the password step must follow every session rotation: partial →
 * full after the second factor, and the rotation at a password change. Shown by reading an
 * encrypted message, which needs the key (DESIGN.md "Keys and encryption").
 */
describe("sessions carry the unlocked private key through rotations", () => {
  it("after the second factor and after a password change the user still reads their messages, and so does a token made from the session", async () => {
    const org = await buildOrganisation();
    const me = await buildUser({ organisation: org });
    const colleague = await buildUser({ organisation: org });
    const secret = await enableTotp(me);

    const api = await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: me.email, password: defaultPassword })).body.next).to.equal(
      "second_factor",
    );
    expect(
      (await api.post("/api/auth/second-factor", { method: "totp", code: totpCodeAt(secret, Date.now() / 1000) }))
        .status,
    ).to.equal(200);

    const colleagueApi = await signIn(colleague);
    const sent = await colleagueApi.post<{ id: string }>("/api/messages", {
      to: [{ email: me.email }],
      subject: "Journal",
      body: "Känsligt innehåll",
    });
    expect(sent.status, sent.text).to.equal(201);

    const read = await api.get<{ body: unknown }>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(JSON.stringify(read.body)).to.contain("Känsligt innehåll");

    expect(
      (await api.post("/api/account/password", { currentPassword: defaultPassword, newPassword: "Nytt-lösenord-2027" }))
        .status,
    ).to.equal(200);
    const again = await api.get(`/api/messages/${sent.body.id}`);
    expect(again.status, again.text).to.equal(200);
    expect(JSON.stringify(again.body)).to.contain("Känsligt innehåll");

    const other = await ApiClient.create();
    expect(
      (await other.post("/api/auth/login", { email: me.email, password: "Nytt-lösenord-2027" })).body.next,
    ).to.equal("second_factor");

    const token = await api.post<{ token: string }>("/api/account/tokens", {
      label: "add-in",
      password: "Nytt-lösenord-2027",
    });
    const bearer = await ApiClient.create();
    bearer.bearer = token.body.token;
    // A token made from this rotated session carries its key (tokenKeys.test.ts covers the rest).
    const viaToken = await bearer.get(`/api/messages/${sent.body.id}`);
    expect(viaToken.status, viaToken.text).to.equal(200);
    expect(JSON.stringify(viaToken.body)).to.contain("Känsligt innehåll");
  });
});
