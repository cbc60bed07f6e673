import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { UserTotp } from "../../../backend/src/models/UserTotp.js";
import { openText } from "../../../backend/src/services/crypto/seal.js";
import {
  confirmTotpEnrolment,
  startTotpEnrolment,
  totpCodeForStep,
  totpStep,
  verifyTotp,
} from "../../../backend/src/services/totp.js";
import { buildUser } from "../../support/factories.js";
import { resetClock, shiftClock } from "../../support/secondFactor.js";
import { clock } from "../../../backend/src/services/clock.js";

describe("services/totp with the database", () => {
  afterEach(() => resetClock());

  it("stores the secret sealed and bound to the user; a swapped row does not open", async () => {
    const user = await buildUser();
    const other = await buildUser();
    const { secret } = await transaction((t) => startTotpEnrolment(t, user));
    const row = await UserTotp.findByPk(user.id);
    expect(row!.pendingSecretSealed).to.not.contain(secret);
    expect(openText("totp", row!.pendingSecretSealed!, `${user.id}:pending`)).to.equal(secret);
    expect(() => openText("totp", row!.pendingSecretSealed!, `${other.id}:pending`)).to.throw();
    expect(
      await transaction((t) => confirmTotpEnrolment(t, user, totpCodeForStep(secret, totpStep(clock.now())))),
    ).to.equal(true);
    const active = await UserTotp.findByPk(user.id);
    expect(active!.pendingSecretSealed).to.equal(null);
    expect(openText("totp", active!.secretSealed!, user.id)).to.equal(secret);
  });

  it("parallel uses of one code: exactly one is accepted; an older step is refused after a newer one", async () => {
    const user = await buildUser();
    const { secret } = await transaction((t) => startTotpEnrolment(t, user));
    const step0 = totpStep(clock.now());
    await transaction((t) => confirmTotpEnrolment(t, user, totpCodeForStep(secret, step0)));
    shiftClock(5 * 30_000);
    const code = totpCodeForStep(secret, step0 + 5);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => transaction((t) => verifyTotp(t, user, code)).catch(() => false)),
    );
    expect(results.filter(Boolean)).to.have.length(1);
    // The previous step is still inside the ±1 window but older than the last accepted one.
    expect(await transaction((t) => verifyTotp(t, user, totpCodeForStep(secret, step0 + 4)))).to.equal(false);
    expect(await transaction((t) => verifyTotp(t, user, totpCodeForStep(secret, step0 + 6)))).to.equal(true);
    expect(Number((await UserTotp.findByPk(user.id))!.lastStep)).to.equal(step0 + 6);
  });
});
