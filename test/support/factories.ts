import crypto from "node:crypto";
import { transaction } from "../../backend/src/db.js";
import { createOrganisation } from "../../backend/src/commands/createOrganisation.js";
import { createUser } from "../../backend/src/commands/createUser.js";
import type { Organisation } from "../../backend/src/models/Organisation.js";
import type { User, Role } from "../../backend/src/models/User.js";

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${crypto.randomBytes(5).toString("hex")}@example.test`;
}

export function uniqueMobile(): string {
  return `+4670${crypto.randomInt(1000000, 9999999)}`;
}

/**
 * An organisation through the product's own command. The name gets a unique suffix
 * ("Sundsvalls kommun 3f9a1c"), so two suites — or two runs on one database — never collide on
 * the slug it is made from; assert on `org.name`, not on the name passed. `exactName` keeps the
 * name as given (then the caller makes sure it is unique).
 */
export async function buildOrganisation(
  props: Partial<{ name: string; exactName: boolean }> = {},
): Promise<Organisation> {
  const base = props.name ?? "Org";
  const name = props.exactName ? base : `${base} ${crypto.randomBytes(5).toString("hex")}`;
  return transaction((t) => createOrganisation(t, { name }));
}

export const defaultPassword = "Correct7horse-battery";

/** A user created through the same command the product uses. */
export async function buildUser(
  props: Partial<{
    organisation: Organisation | null;
    email: string;
    mobile: string;
    password: string;
    role: Role;
    name: string;
  }> = {},
): Promise<User> {
  const organisation = props.organisation === undefined ? await buildOrganisation() : props.organisation;
  return transaction((t) =>
    createUser(t, {
      organisation,
      email: props.email ?? uniqueEmail(),
      mobile: props.mobile ?? uniqueMobile(),
      password: props.password ?? defaultPassword,
      role: props.role,
      name: props.name ?? "Test User",
    }),
  );
}
