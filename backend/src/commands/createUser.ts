import type { Transaction } from "sequelize";
import { User, normaliseEmail, type Role, type Locale } from "../models/User.js";
import type { Organisation } from "../models/Organisation.js";
import { appError } from "../errors.js";
import { hashSecret } from "../services/passwords.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { createUserKeys } from "../services/keys/userKeys.js";

export interface CreateUserProps {
  organisation: Organisation | null;
  email: string;
  mobile?: string | null;
  name?: string | null;
  password?: string;
  role?: Role;
  locale?: Locale;
  actorId?: string | null;
}

/** Creates an active user; the password must already have passed the password policy. */
export async function createUser(t: Transaction, props: CreateUserProps): Promise<User> {
  const email = normaliseEmail(props.email);
  if (await User.findOne({ where: { email }, transaction: t })) {
    throw appError("user_exists", "A user with that e-mail address already exists");
  }
  const user = await User.create(
    {
      organisationId: props.organisation?.id ?? null,
      email,
      mobile: props.mobile ?? null,
      name: props.name ?? null,
      role: props.role ?? (props.organisation ? "staff" : "recipient"),
      plan: props.organisation ? (props.organisation.plan === "basic" ? "basic" : "professional") : "basic",
      locale: props.locale ?? "sv",
      passwordHash: props.password ? await hashSecret(props.password) : null,
      status: "active",
    },
    { transaction: t },
  );
  await createUserKeys(t, user, props.password ?? null);
  await recordAudit(t, {
    type: "user.created",
    organisationId: user.organisationId,
    userId: user.id,
    actorId: props.actorId ?? null,
    data: { role: user.role },
  });
  return user;
}
