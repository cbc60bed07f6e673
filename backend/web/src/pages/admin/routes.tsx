import type { ComponentType } from "react";
import type { RouteObject } from "react-router";
import { RequireAuth } from "../../components/RequireAuth.js";
import { AdminLayout, RequireAdmin } from "./AdminLayout.js";

type Pages = typeof import("./adminPages.js");
const pages = (): Promise<Pages> => import("./adminPages.js");

/** A route whose page comes from the admin chunk, loaded on first visit. */
function page(pick: (p: Pages) => ComponentType): Pick<RouteObject, "lazy"> {
  return { lazy: async () => ({ Component: pick(await pages()) }) };
}

/** The admin console (issue 10), placed in the app's router by App.tsx. */
export const adminRoutes: RouteObject[] = [
  {
    path: "/admin",
    element: (
      <RequireAuth>
        <RequireAdmin>
          <AdminLayout />
        </RequireAdmin>
      </RequireAuth>
    ),
    handle: { titleKey: "admin.title" },
    children: [
      { index: true, ...page((p) => p.UsersPage), handle: { titleKey: "admin.nav.users" } },
      { path: "invitations", ...page((p) => p.InvitationsPage), handle: { titleKey: "admin.nav.invitations" } },
      { path: "policies", ...page((p) => p.PoliciesPage), handle: { titleKey: "admin.nav.policies" } },
      { path: "templates", ...page((p) => p.TemplatesPage), handle: { titleKey: "admin.nav.templates" } },
      { path: "signature", ...page((p) => p.SignaturePage), handle: { titleKey: "admin.nav.signature" } },
      {
        path: "notifications",
        ...page((p) => p.NotificationTextsPage),
        handle: { titleKey: "admin.nav.notifications" },
      },
      { path: "usage", ...page((p) => p.UsagePage), handle: { titleKey: "admin.nav.usage" } },
      { path: "audit", ...page((p) => p.AuditPage), handle: { titleKey: "admin.nav.audit" } },
      { path: "mailboxes", ...page((p) => p.MailboxesPage), handle: { titleKey: "admin.nav.mailboxes" } },
      { path: "directory", ...page((p) => p.DirectoryPage), handle: { titleKey: "admin.nav.directory" } },
    ],
  },
];
