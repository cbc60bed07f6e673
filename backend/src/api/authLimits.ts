import { env } from "../env.js";
import { rateLimit } from "../middlewares/rateLimit.js";

/** Sign-in limits, read from the configuration on each request (tests shorten the window). */
export const loginWindow = () => env().RATE_LIMIT_LOGIN_WINDOW_SECONDS;
export const loginAccountLimit = { points: () => env().RATE_LIMIT_LOGIN_ACCOUNT_POINTS, durationSeconds: loginWindow };

/** Per client IP: sign-in and code-checking steps. */
export const loginIpLimit = (name: string) =>
  rateLimit({ name, points: () => env().RATE_LIMIT_LOGIN_IP_POINTS, durationSeconds: loginWindow });
