import { ApiClient } from "./server.js";
import { defaultPassword } from "./factories.js";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import type { User } from "../../backend/src/models/User.js";

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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
