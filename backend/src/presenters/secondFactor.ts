import { z } from "zod";
import { secondFactorMethodNames, type SecondFactorStatus } from "../services/secondFactor.js";

export const SecondFactorStatusSchema = z
  .object({
    enabled: z.boolean().describe("2FA is on: an authenticator app is active"),
    totp: z.object({ enabled: z.boolean(), enabledAt: z.string().nullable(), enrolmentPending: z.boolean() }),
    methods: z.array(z.enum(secondFactorMethodNames)).describe("Factors usable now (to confirm changes)"),
    backupCodesRemaining: z.number().int(),
    mobile: z.string().describe("The primary mobile, masked"),
  })
  .meta({ id: "SecondFactorStatus" });

/** The second factors as the security settings show them. */
export function presentSecondFactorStatus(status: SecondFactorStatus): z.infer<typeof SecondFactorStatusSchema> {
  return {
    enabled: status.enabled,
    totp: {
      enabled: status.totp.enabled,
      enabledAt: status.totp.enabledAt?.toISOString() ?? null,
      enrolmentPending: status.totp.enrolmentPending,
    },
    methods: status.methods,
    backupCodesRemaining: status.backupCodesRemaining,
    mobile: status.mobile,
  };
}
