import type { ComponentType } from "react";
import type { RouteObject } from "react-router";
import { RequireAuth } from "../../components/RequireAuth.js";
import { SettingsLayout } from "./SettingsLayout.js";
// In the main bundle: CSS of a lazily loaded chunk would not be loaded by esbuild's output.
import "./print.css";

type Pages = typeof import("./settingsPages.js");
const pages = (): Promise<Pages> => import("./settingsPages.js");

/** A route whose page comes from the settings chunk, loaded on first visit. */
function page(pick: (p: Pages) => ComponentType, opts: { auth?: boolean } = {}): Pick<RouteObject, "lazy"> {
  return {
    lazy: async () => {
      const Page = pick(await pages());
      return opts.auth
        ? {
            element: (
              <RequireAuth>
                <Page />
              </RequireAuth>
            ),
          }
        : { Component: Page };
    },
  };
}

/** The settings routes, placed in the app's router by App.tsx. */
export const settingsRoutes: RouteObject[] = [
  {
    path: "/settings",
    element: (
      <RequireAuth>
        <SettingsLayout />
      </RequireAuth>
    ),
    handle: { titleKey: "settings.title" },
    children: [
      { index: true, ...page((p) => p.AccountPage), handle: { titleKey: "settings.nav.account" } },
      { path: "security", ...page((p) => p.SecurityPage), handle: { titleKey: "settings.nav.security" } },
      { path: "activity", ...page((p) => p.ActivityPage), handle: { titleKey: "settings.nav.activity" } },
      { path: "options", ...page((p) => p.OptionsPage), handle: { titleKey: "settings.nav.options" } },
      { path: "data", ...page((p) => p.DataPage), handle: { titleKey: "settings.nav.data" } },
      { path: "mailboxes", ...page((p) => p.MailboxesPage), handle: { titleKey: "settings.nav.mailboxes" } },
    ],
  },
  {
    path: "/settings/security/codes/print",
    ...page((p) => p.PrintCodesPage, { auth: true }),
    handle: { titleKey: "settings.codes.printTitle" },
  },
  { path: "/settings/deleted", ...page((p) => p.AccountDeletedPage), handle: { titleKey: "settings.deleted.title" } },
];
