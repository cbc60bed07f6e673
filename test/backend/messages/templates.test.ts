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

  it("a new organisation starts with the standard texts (the switch to secure e-mail) in Swedish and English", async () => {
    const res = await staff.get<{ templates: Template[] }>("/api/templates");
    expect(res.status, res.text).to.equal(200);
    expect(res.body.templates.map((t) => [t.name, t.locale, t.builtIn])).to.deep.equal([
      ["Byter till säker e-post", "sv", false],
      ["Switching to secure e-mail", "en", false],
      ["Vi använder säker e-post", "sv", false],
      ["We use secure e-mail", "en", false],
    ]);
    expect(res.body.templates[0]!.body).to.match(
      /^Det här samtalet innehåller känslig information, så jag byter till säker e-post/,
    );
    const adminList = await admin.get<{ templates: Template[]; standardInUse: boolean }>("/api/admin/templates");
    expect(adminList.status, adminList.text).to.equal(200);
    expect(adminList.body.standardInUse).to.equal(false);
    expect(adminList.body.templates.map((t) => t.locale)).to.deep.equal(["sv", "sv", "en", "en"]);
  });

  it("admins create, change and delete; staff of the org see them; with none left the built-in text returns", async () => {
    const created = await admin.post<Template>("/api/admin/templates", {
      name: "Hänvisning",
      body: "Läs mer på kommunens webbplats.",
      locale: "sv",
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id!;
    const list = await staff.get<{ templates: Template[] }>("/api/templates");
    expect(list.body.templates.find((t) => t.id === id)).to.deep.equal({
      id,
      name: "Hänvisning",
      body: "Läs mer på kommunens webbplats.",
      locale: "sv",
      builtIn: false,
    });
    const changed = await admin.put<Template>(`/api/admin/templates/${id}`, { body: "Ny text" });
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body).to.include({ name: "Hänvisning", body: "Ny text" });
    for (const t of list.body.templates)
      expect((await admin.delete(`/api/admin/templates/${t.id}`)).status).to.equal(204);
    const builtIn = (await staff.get<{ templates: Template[] }>("/api/templates")).body.templates;
    expect(builtIn.map((t) => [t.locale, t.builtIn, t.id])).to.deep.equal([
      ["sv", true, null],
      ["en", true, null],
    ]);
    const adminList = await admin.get<{ templates: Template[]; standardInUse: boolean; standard: Template[] }>(
      "/api/admin/templates",
    );
    expect(adminList.body).to.deep.include({ templates: [], standardInUse: true });
    expect(adminList.body.standard).to.deep.equal(builtIn);
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
