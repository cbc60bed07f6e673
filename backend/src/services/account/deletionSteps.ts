import type { Transaction } from "sequelize";
import type { User } from "../../models/User.js";
import { Phone } from "../../models/Phone.js";
import { ApiToken } from "../../models/ApiToken.js";
import { BackupCode } from "../../models/BackupCode.js";
import { VerificationCode } from "../../models/VerificationCode.js";
import { UserTotp } from "../../models/UserTotp.js";
import { UserSettings } from "../../models/UserSettings.js";
import { revokeAllSessions } from "../sessions.js";
import { messagesDeletionStep } from "../messages/accountData.js";

/** One part of deleting an account, run inside the deletion's transaction before the user row goes. */
export interface DeletionStep {
  name: string;
  run(t: Transaction, user: User): Promise<void>;
}

/** Second factors, phones, settings, every session and every API token (with its sealed key). */
export const accountDataStep: DeletionStep = {
  name: "account",
  async run(t, user) {
    await revokeAllSessions(t, user.id);
    await ApiToken.destroy({ where: { userId: user.id }, transaction: t });
    await VerificationCode.destroy({ where: { userId: user.id }, transaction: t });
    await BackupCode.destroy({ where: { userId: user.id }, transaction: t });
    await Phone.destroy({ where: { userId: user.id }, transaction: t });
    await UserTotp.destroy({ where: { userId: user.id }, transaction: t });
    await UserSettings.destroy({ where: { userId: user.id }, transaction: t });
  },
};

/**
 * Every step of "Delete my account" (F21), in order; then the user row is deleted (its wrapped
 * private key with it, and the remaining rows by ON DELETE CASCADE). EXTENSION POINT: the
 * messaging code adds a step here that crypto-shreds what only this user could read (key
 * envelopes, content rows and blobs of messages with no other reader) via its shred path.
 */
export const deletionSteps: DeletionStep[] = [messagesDeletionStep, accountDataStep];
