import { dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordPolicyId =
  "password_too_short" | "password_too_long" | "password_needs_letters_and_digits" | "password_too_common";

export type PasswordPolicyResult = { ok: true } | { ok: false; id: PasswordPolicyId; message: string };

let common: Set<string> | undefined;

/**
 * The ~49,000 most common passwords from @zxcvbn-ts/language-common (ranked lists from public
 * breaches), lower-cased. Loaded on first use.
 */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

function fail(id: PasswordPolicyId, message: string): PasswordPolicyResult {
  return { ok: false, id, message };
}

/** Length in Unicode code points (NIST SP 800-63B counts characters, not bytes). */
function length(password: string): number {
  return [...password.normalize("NFKC")].length;
}

/**
 * The product's password rule: 8–128 characters with letters and digits, not one of the most
 * common passwords, and not the account's own e-mail address or its local part. Any characters
 * (spaces, emoji) are allowed; nothing is truncated.
 */
export function checkPasswordPolicy(password: string, opts: { email?: string } = {}): PasswordPolicyResult {
  const n = length(password);
  if (n < PASSWORD_MIN_LENGTH)
    return fail("password_too_short", `The password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (n > PASSWORD_MAX_LENGTH)
    return fail("password_too_long", `The password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
    return fail("password_needs_letters_and_digits", "The password must contain both letters and digits");
  }
  const lower = password.normalize("NFKC").toLowerCase();
  const email = opts.email?.trim().toLowerCase();
  const local = email?.split("@")[0];
  if (
    commonPasswords().has(lower) ||
    (email && (lower === email || (local && local.length >= 4 && lower.includes(local))))
  ) {
    return fail("password_too_common", "The password is too common or too easy to guess; choose another");
  }
  return { ok: true };
}
