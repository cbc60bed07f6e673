import { Organisation } from "../models/Organisation.js";
import type { User } from "../models/User.js";
import type { AuthState } from "./sessions.js";
import { secondFactorMethods, type SecondFactorMethod } from "./secondFactor.js";

/** Where a caller stands: no session, half-way through sign-in, or signed in. */
export type SessionState =
  | { state: "signed_out" }
  | { state: "second_factor"; user: User; organisation: Organisation | null; methods: SecondFactorMethod[] }
  | { state: "signed_in"; user: User; organisation: Organisation | null };

/**
 * The state of the caller's session or token, with what the client shows for it (the user,
 * their organisation and, during sign-in, the second-factor methods on offer).
 */
export async function sessionState(auth: AuthState | null): Promise<SessionState> {
  if (!auth) return { state: "signed_out" };
  const { user } = auth;
  const organisation = user.organisationId ? await Organisation.findByPk(user.organisationId) : null;
  if (auth.stage === "partial")
    return { state: "second_factor", user, organisation, methods: await secondFactorMethods(user, null) };
  return { state: "signed_in", user, organisation };
}
