import { expect } from "chai";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient, getTestServer } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface Template {
  id: string | null;
  name: string;
  body: string;
  locale: string;
  builtIn: boolean;
}

describe("templates: org snippets for the composers, managed by admins (F5)", () => {
  let admin: ApiClient;
  let staff: ApiClient;
  let otherAdmin: ApiClient;
  let otherStaff: ApiClient;
  let recipient: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    const other = await buildOrganisation();
    const users: User[] = [
      await buildUser({ organisation: org, role: "admin" }),
      await buildUser({ organisation: org, role: "staff" }),
      await buildUser({ organisation: other, role: "admin" }),
      await buildUser({ organisation: other, role: "staff" }),
      await buildUser({ organisation: null, role: "recipient" }),
    ];
    [admin, staff, otherAdmin, otherStaff, recipient] = await Promise.all(users.map((u) => signIn(u)));
  });

  it("offers the built-in standard text in Swedish and English while the organisation has none", async () => {
    const res = await staff.get<{ templates: Template[] }>("/api/templates");
    expect(res.status, res.text).to.equal(200);
    expect(res.body.templates.map((t) => [t.locale, t.builtIn, t.id])).to.deep.equal([
      ["sv", true, null],
      ["en", true, null],
    ]);
    expect(res.body.templates[0]!.body).to.match(
      /^Det här samtalet innehåller känslig information, så jag byter till säker e-post/,
    );
  });

  it("admins create, change and delete; staff of the org see them; the built-ins step aside", async () => {
    const created = await admin.post<Template>("/api/admin/templates", {
      name: "Hänvisning",
      body: "Läs mer på kommunens webbplats.",
      locale: "sv",
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id!;
    const list = await staff.get<{ templates: Template[] }>("/api/templates");
    expect(list.body.templates).to.deep.equal([
      { id, name: "Hänvisning", body: "Läs mer på kommunens webbplats.", locale: "sv", builtIn: false },
    ]);
    const changed = await admin.put<Template>(`/api/admin/templates/${id}`, { body: "Ny text" });
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body).to.include({ name: "Hänvisning", body: "Ny text" });
    expect((await admin.delete(`/api/admin/templates/${id}`)).status).to.equal(204);
    expect(
      (await staff.get<{ templates: Template[] }>("/api/templates")).body.templates.every((t) => t.builtIn),
    ).to.equal(true);
  });

  it("staff cannot write; another organisation's templates are invisible and untouchable (404)", async () => {
    const mine = (
      await admin.post<Template>("/api/admin/templates", { name: "Intern", body: "Bara vår", locale: "en" })
    ).body.id!;
    expect((await staff.post("/api/admin/templates", { name: "x", body: "y", locale: "sv" })).status).to.equal(403);
    expect((await staff.put(`/api/admin/templates/${mine}`, { body: "hijack" })).status).to.equal(403);
    expect((await staff.delete(`/api/admin/templates/${mine}`)).status).to.equal(403);

    const theirs = await otherStaff.get<{ templates: Template[] }>("/api/templates");
    expect(JSON.stringify(theirs.body)).to.not.contain("Bara vår");
    expect((await otherAdmin.put(`/api/admin/templates/${mine}`, { body: "hijack" })).status).to.equal(404);
    expect((await otherAdmin.delete(`/api/admin/templates/${mine}`)).status).to.equal(404);
    expect(
      (await staff.get<{ templates: Template[] }>("/api/templates")).body.templates.find((t) => t.id === mine)!.body,
    ).to.equal("Bara vår");

    expect((await recipient.get("/api/templates")).status).to.equal(403);
    expect((await new ApiClient(await getTestServer()).get("/api/templates")).status).to.equal(401);
  });

  it("rejects bad input with 400, not 500", async () => {
    expect((await admin.post("/api/admin/templates", { name: "", body: "x", locale: "sv" })).status).to.equal(400);
    expect((await admin.post("/api/admin/templates", { name: "x", body: "x", locale: "de" })).status).to.equal(400);
    expect(
      (
        await admin.post("/api/admin/templates", {
          name: "x",
          body: "x",
          locale: "sv",
          organisationId: "00000000-0000-4000-8000-000000000000",
        })
      ).status,
    ).to.equal(400);
    expect((await admin.put("/api/admin/templates/not-a-uuid", { body: "x" })).status).to.equal(400);
  });
});
