import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { VerificationCode } from "../../../backend/src/models/VerificationCode.js";
import { openPayload } from "../../../backend/src/outbox/enqueue.js";
import {
  checkSmsCode,
  issueSmsCode,
  SMS_CODE_MAX_TRIES,
  SMS_CODE_TTL_MS,
  type SmsCodePurpose,
} from "../../../backend/src/services/smsCodes.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildUser } from "../../support/factories.js";
import { resetClock, shiftClock } from "../../support/secondFactor.js";

/** The code in the newest outbox SMS to `to` (the outbox is the only place it exists in clear). */
async function lastCodeSentTo(to: string): Promise<string> {
  const rows = await OutboxEntry.findAll({ where: { channel: "sms" }, order: [["id", "DESC"]], limit: 50 });
  for (const r of rows) {
    if (!r.payload) continue; // erased once delivered
    const p = openPayload(r.payload);
    if (p.kind === "sms" && p.to === to) return /\b(\d{6})\b/.exec(p.message)![1];
  }
  throw new Error(`no SMS to ${to}`);
}

const issue = (user: User, purpose: SmsCodePurpose) => transaction((t) => issueSmsCode(t, user, purpose));
const check = (user: User, purpose: SmsCodePurpose, code: string) =>
  transaction((t) => checkSmsCode(t, user, purpose, code));
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("services/smsCodes", () => {
  afterEach(() => resetClock());

  it("sends a random 6-digit code through the outbox and stores only a keyed hash", async () => {
    const user = await buildUser();
    await issue(user, "login");
    const code = await lastCodeSentTo(user.mobile!);
    expect(code).to.match(/^\d{6}$/);
    const row = await VerificationCode.findOne({ where: { userId: user.id, purpose: "login" } });
    expect(row!.codeHash).to.match(/^[0-9a-f]{64}$/);
    expect(row!.codeHash).to.not.contain(code);
    expect(row!.target).to.equal(user.mobile);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).to.be.closeTo(SMS_CODE_TTL_MS, 2000);
  });

  it("is single use", async () => {
    const user = await buildUser();
    await issue(user, "confirm");
    const code = await lastCodeSentTo(user.mobile!);
    expect(await check(user, "confirm", code)).to.equal(true);
    expect(await check(user, "confirm", code)).to.equal(false);
  });

  it("brute force: 5 wrong tries kill the code, even when the 6th is right", async () => {
    const user = await buildUser();
    await issue(user, "login");
    const code = await lastCodeSentTo(user.mobile!);
    for (let i = 0; i < SMS_CODE_MAX_TRIES; i++) expect(await check(user, "login", wrong(code))).to.equal(false);
    expect(await check(user, "login", code)).to.equal(false);
    const row = await VerificationCode.findOne({ where: { userId: user.id, purpose: "login" } });
    expect(row!.attempts).to.equal(SMS_CODE_MAX_TRIES);
  });

  it("4 wrong tries still leave the right code usable (the limit is exactly 5 tries)", async () => {
    const user = await buildUser();
    await issue(user, "login");
    const code = await lastCodeSentTo(user.mobile!);
    for (let i = 0; i < SMS_CODE_MAX_TRIES - 1; i++) await check(user, "login", wrong(code));
    expect(await check(user, "login", code)).to.equal(true);
  });

  it("parallel guesses cannot exceed the limit", async () => {
    const user = await buildUser();
    await issue(user, "login");
    const code = await lastCodeSentTo(user.mobile!);
    await Promise.all(Array.from({ length: 8 }, () => check(user, "login", wrong(code)).catch(() => false)));
    const row = await VerificationCode.findOne({ where: { userId: user.id, purpose: "login" } });
    expect(row!.attempts).to.be.at.most(SMS_CODE_MAX_TRIES);
    if (row!.attempts === SMS_CODE_MAX_TRIES) expect(await check(user, "login", code)).to.equal(false);
  });

  it("a code of another user or another purpose is refused", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    await issue(alice, "password_reset");
    const aliceCode = await lastCodeSentTo(alice.mobile!);
    await issue(bob, "password_reset");
    const bobCode = await lastCodeSentTo(bob.mobile!);
    // (1 in a million: both got the same digits; then Bob's own code would rightly match.)
    if (bobCode !== aliceCode) expect(await check(bob, "password_reset", aliceCode)).to.equal(false);
    expect(await check(alice, "login", aliceCode)).to.equal(false);
    expect(await check(alice, "confirm", aliceCode)).to.equal(false);
    expect(await check(alice, "password_reset", aliceCode)).to.equal(true);
  });

  it("an expired code is refused (fake clock)", async () => {
    const user = await buildUser();
    await issue(user, "confirm");
    const code = await lastCodeSentTo(user.mobile!);
    shiftClock(SMS_CODE_TTL_MS + 1000);
    expect(await check(user, "confirm", code)).to.equal(false);
    resetClock();
    shiftClock(SMS_CODE_TTL_MS - 5000);
    expect(await check(user, "confirm", code), "still valid just before the end").to.equal(true);
  });

  it("a new code for the same purpose invalidates the old one; other purposes are untouched", async () => {
    const user = await buildUser();
    await issue(user, "confirm");
    const first = await lastCodeSentTo(user.mobile!);
    await issue(user, "login");
    const loginCode = await lastCodeSentTo(user.mobile!);
    await issue(user, "confirm");
    const second = await lastCodeSentTo(user.mobile!);
    if (first !== second) expect(await check(user, "confirm", first)).to.equal(false);
    expect(await check(user, "confirm", second)).to.equal(true);
    expect(await check(user, "login", loginCode)).to.equal(true);
  });

  it("codes are uniformly spread 6-digit strings (leading zeros kept)", async () => {
    const { generateSmsCode } = await import("../../../backend/src/services/smsCodes.js");
    const codes = Array.from({ length: 2000 }, generateSmsCode);
    expect(codes.every((c) => /^\d{6}$/.test(c))).to.equal(true);
    expect(new Set(codes).size).to.be.greaterThan(1990);
    const firstDigits = new Set(codes.map((c) => c[0]));
    expect(firstDigits.size).to.equal(10);
  });
});
