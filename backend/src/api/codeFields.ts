import type { ParameterizedContext } from "koa";
import { z } from "zod";
import { appError } from "../errors.js";
import { secondFactorMethodNames } from "../services/secondFactor.js";

/** Request and response pieces of the routes that send or check codes. */

/** A second factor that confirms a sensitive change. */
export const SecondFactorFields = {
  method: z.enum(secondFactorMethodNames),
  code: z.string().trim().min(1).max(64),
};

/** The answer of a route that sent an SMS code: where it went, masked. */
export const SentSchema = z.object({ sent: z.literal(true), to: z.string() });

export const InvalidCodeError = () => appError("invalid_code", "The code is wrong, used or expired");

/** For answers that carry secrets shown once (TOTP secret, one-time codes). */
export const noStore = (ctx: ParameterizedContext) => {
  ctx.set("Cache-Control", "no-store");
};
