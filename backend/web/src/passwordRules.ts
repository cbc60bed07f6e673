/** The password rules users see live while typing (SPEC F9: min 8, letters and digits). */
export interface PasswordRuleResult {
  id: "length" | "lettersAndDigits";
  ok: boolean;
}

export function checkPasswordRules(password: string): PasswordRuleResult[] {
  return [
    { id: "length", ok: [...password].length >= 8 },
    { id: "lettersAndDigits", ok: /\p{L}/u.test(password) && /\p{N}/u.test(password) },
  ];
}

export function passwordRulesOk(password: string): boolean {
  return checkPasswordRules(password).every((r) => r.ok);
}
