import { ApiClient } from "./server.js";
import { defaultPassword } from "./factories.js";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import type { User } from "../../backend/src/models/User.js";
import { transaction } from "../../backend/src/db.js";
import { clock } from "../../backend/src/services/clock.js";
import { startTotpEnrolment, confirmTotpEnrolment, totpCodeAt } from "../../backend/src/services/totp.js";

/** A client signed in (full session) as `user` through POST /api/auth/login. */
export async function signIn(user: Pick<User, "email">, password = defaultPassword): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password });
  if (res.status !== 200 || res.body.next !== "done") throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  return api;
}

/** Runs `fn` with some configuration values replaced, then restores them. */
export async function withEnv<T>(overrides: Partial<Env>, fn: () => Promise<T>): Promise<T> {
  const saved = env();
  setEnv({ ...saved, ...overrides });
  try {
    return await fn();
  } finally {
    setEnv(saved);
  }
}

/**
 * Turns TOTP on for a user through the enrolment service (the HTTP flow belongs to the
 * second-factor suite); confirms with the previous step's code so the current one is unused.
 */
export async function enableTotp(user: User): Promise<string> {
  const { secret } = await transaction((t) => startTotpEnrolment(t, user));
  // The code is computed once the transaction has its turn (a loaded run can wait seconds for
  // it), on the services' clock, so it never falls a step behind the check.
  const ok = await transaction((t) =>
    confirmTotpEnrolment(t, user, totpCodeAt(secret, clock.now().getTime() / 1000 - 30)),
  );
  if (!ok) throw new Error("TOTP enrolment failed");
  return secret;
}
