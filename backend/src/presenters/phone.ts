import { z } from "zod";
import type { Phone } from "../models/Phone.js";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export const PhoneSchema = z
  .object({
    id: z.string(),
    number: z.string().describe("E.164"),
    country: z.string().describe("ISO 3166-1 alpha-2"),
    callingCode: z.string().describe("Country calling code, e.g. 46"),
    name: z.string(),
    verified: z.boolean(),
    primary: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: "Phone" });

/** A phone as its owner sees it. */
export function presentPhone(phone: Phone): z.infer<typeof PhoneSchema> {
  return {
    id: phone.id,
    number: phone.e164,
    country: phone.countryCode,
    callingCode: parsePhoneNumberFromString(phone.e164)?.countryCallingCode ?? "",
    name: phone.name,
    verified: Boolean(phone.verifiedAt),
    primary: phone.isPrimary,
    createdAt: phone.createdAt.toISOString(),
  };
}
