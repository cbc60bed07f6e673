import type { Middleware } from "koa";
import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import { koaBody, HttpMethodEnum } from "koa-body";
import { z } from "zod";
import { UnsupportedMediaTypeError, appError } from "../errors.js";
import { env } from "../env.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
export type Ctx = RouterContext;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** What a route declares; the same object drives validation and the OpenAPI document. */
export interface RouteSpec<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Koa path, e.g. /api/messages/:id */
  path: string;
  summary: string;
  tags: string[];
  /** How callers authenticate; documentation only (the `before` chain enforces it). */
  security?: "none" | "session" | "token";
  body?: B;
  /** Non-JSON request bodies (uploads, raw mail); parsed by the handler as a stream. */
  rawBody?: { contentTypes: string[]; description: string };
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /** Rate limit and auth middleware, in that order, run before validation. */
  before?: Middleware[];
  /** JSON body limit in bytes; default BODY_LIMIT_JSON. */
  bodyLimit?: number;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
export interface Input<B, Q, P> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
}

export type Handler<B, Q, P> = (ctx: Ctx, input: Input<B, Q, P>) => Promise<void>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;
const registry: AnyRouteSpec[] = [];

/** Every route defined so far (for the OpenAPI document). */
export function registeredRoutes(): readonly AnyRouteSpec[] {
  return registry;
}

/**
 * The path of the first string (key or value) holding a NUL character, or null. Iterative: a
 * body may nest thousands of levels deep (koa-body parses it), which a recursion would not survive.
 */
function findNul(value: unknown): string[] | null {
  interface Entry {
    value: unknown;
    key: string | null;
    parent: Entry | null;
  }
  const pathOf = (e: Entry | null, last?: string): string[] => {
    const path = last === undefined ? [] : [last];
    for (let at = e; at; at = at.parent) if (at.key !== null) path.unshift(at.key);
    return path;
  };
  const stack: Entry[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return pathOf(entry);
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes("\u0000")) return pathOf(entry, key);
        stack.push({ value: item, key, parent: entry });
      }
    }
  }
  return null;
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  // No field of the HTTP contract may hold NUL; SQLite's driver would cut the statement at it.
  const nul = findNul(value);
  if (nul) throw appError("validation_error", `${[where, ...nul].filter(Boolean).join(".")}: contains a NUL character`);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [where, ...issue.path.map(String)].filter(Boolean).join(".");
  throw appError("validation_error", `${field}: ${issue.message}`);
}

function requireJson(): Middleware {
  return async (ctx, next) => {
    const hasBody = Number(ctx.get("Content-Length") || 0) > 0 || ctx.get("Transfer-Encoding") !== "";
    if (hasBody && !ctx.is("application/json")) throw UnsupportedMediaTypeError("application/json");
    await next();
  };
}

function requireRawType(types: string[]): Middleware {
  return async (ctx, next) => {
    if (!ctx.is(...types)) throw UnsupportedMediaTypeError(types.join(" or "));
    await next();
  };
}

/**
 * Defines a route on `router`: rate limit/auth (`before`) → content-type check → body
 * parsing with a size limit → zod validation → handler with typed input.
 */
export function defineRoute<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
>(router: Router, spec: RouteSpec<B, Q, P>, handler: Handler<B, Q, P>): void {
  registry.push(spec);
  const chain: Middleware[] = [...(spec.before ?? [])];
  if (spec.body) {
    chain.push(requireJson());
    chain.push(
      koaBody({
        json: true,
        urlencoded: false,
        text: false,
        multipart: false,
        jsonLimit: spec.bodyLimit ?? env().BODY_LIMIT_JSON,
        jsonStrict: true,
        // A route that declares a body gets it parsed for DELETE too (e.g. a confirmation code).
        parsedMethods: [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH, HttpMethodEnum.DELETE],
        onError: (err) => {
          throw err;
        },
      }) as unknown as Middleware,
    );
  } else if (spec.rawBody) {
    chain.push(requireRawType(spec.rawBody.contentTypes));
  }
  chain.push(async (ctx) => {
    const c = ctx as unknown as Ctx & { request: { body?: unknown } };
    const input = {
      body: spec.body ? parseOrThrow(spec.body, c.request.body ?? {}, "") : undefined,
      query: spec.query ? parseOrThrow(spec.query, c.query, "query") : undefined,
      params: spec.params ? parseOrThrow(spec.params, c.params, "params") : undefined,
    } as Input<B, Q, P>;
    await handler(c, input);
  });
  (router[spec.method] as (path: string, ...mw: Middleware[]) => Router)(spec.path, ...chain);
}

/** The standard error response shape, for OpenAPI. */
export const ErrorSchema = z.object({ error: z.string(), message: z.string() }).meta({ id: "Error" });
