import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { searchContacts } from "../../services/contacts/searchContacts.js";
import { saveContact } from "../../commands/saveContact.js";
import { deleteContact } from "../../commands/deleteContact.js";
import { presentContact } from "../../presenters/contact.js";
import {
  ContactListResponse,
  ContactParams,
  ContactQuery,
  ContactResponse,
  CreateContactBody,
  UpdateContactBody,
} from "./schema.js";

const e400 = { description: "`validation_error`", schema: ErrorSchema };
const e401 = { description: "`authentication_required`", schema: ErrorSchema };
const e403 = { description: "`csrf_failed`", schema: ErrorSchema };
const contactNotFound = { description: "`not_found`: no such contact of the caller's (S4)", schema: ErrorSchema };

/** The address book (F13): list, search, add, change, remove. Every contact is the caller's own (S4). */
export function contactRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/contacts",
      summary: "The caller's contacts by name/e-mail; `q` filters by name, e-mail or mobile",
      tags: ["contacts"],
      security: "session",
      query: ContactQuery,
      before: [authenticated()],
      responses: { 200: { description: "Contacts", schema: ContactListResponse }, 401: e401 },
    },
    async (ctx, { query }) => {
      const contacts = await searchContacts(currentUser(ctx), query.q);
      ctx.body = { contacts: contacts.map(presentContact) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/contacts",
      summary: "Add a contact (unverified until the contact proves the mobile by SMS)",
      tags: ["contacts"],
      security: "session",
      body: CreateContactBody,
      before: [authenticated()],
      responses: {
        201: { description: "Created", schema: ContactResponse },
        400: e400,
        401: e401,
        403: e403,
        409: { description: "`contact_exists` or `too_many_contacts`", schema: ErrorSchema },
        422: { description: "`invalid_mobile`", schema: ErrorSchema },
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const contact = await transaction((t) => saveContact(t, user, null, body));
      ctx.status = 201;
      ctx.body = presentContact(contact);
    },
  );

  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/contacts/:id",
      summary: "Change a contact's name or mobile (a changed mobile is unverified again)",
      tags: ["contacts"],
      security: "session",
      params: ContactParams,
      body: UpdateContactBody,
      before: [authenticated()],
      responses: {
        200: { description: "Changed", schema: ContactResponse },
        400: e400,
        401: e401,
        403: e403,
        404: contactNotFound,
        422: { description: "`invalid_mobile`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      ctx.body = presentContact(await transaction((t) => saveContact(t, user, params.id, body)));
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/contacts/:id",
      summary: "Remove a contact",
      tags: ["contacts"],
      security: "session",
      params: ContactParams,
      before: [authenticated()],
      responses: { 204: { description: "Removed" }, 401: e401, 403: e403, 404: contactNotFound },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      await transaction((t) => deleteContact(t, user, params.id));
      ctx.status = 204;
    },
  );
}
