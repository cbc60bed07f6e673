import { z } from "zod";
import { registeredRoutes, type AnyRouteSpec } from "./route.js";

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

function parameters(spec: AnyRouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ["path", spec.params],
    ["query", spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema as z.ZodType, "input") as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

function operation(spec: AnyRouteSpec): Record<string, unknown> {
  const op: Record<string, unknown> = {
    summary: spec.summary,
    tags: spec.tags,
    operationId: `${spec.method}${toOpenApiPath(spec.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.schema
            ? { content: { [r.contentType ?? "application/json"]: { schema: jsonSchema(r.schema, "output") } } }
            : {}),
        },
      ]),
    ),
  };
  const params = parameters(spec);
  if (params.length) op.parameters = params;
  if (spec.body)
    op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } };
  if (spec.rawBody) {
    op.requestBody = {
      required: true,
      description: spec.rawBody.description,
      content: Object.fromEntries(
        spec.rawBody.contentTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
      ),
    };
  }
  if (spec.security === "session") op.security = [{ session: [] }, { bearer: [] }];
  if (spec.security === "token") op.security = [{ bearer: [] }];
  return op;
}

/** The OpenAPI 3.1 document, generated from the registered route specs so it cannot drift. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registeredRoutes()) {
    const p = toOpenApiPath(spec.path);
    paths[p] ??= {};
    paths[p][spec.method] = operation(spec);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Kuvert API", version: "1", description: "Secure e-mail for organisations that work in Outlook." },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "kuvert_session",
          description: "`__Host-kuvert_session` in production (HTTPS only); state changes also send X-CSRF-Token",
        },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
  };
}
