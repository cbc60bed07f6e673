import type { RouteObject } from "react-router";
import { RequireAuth } from "../../components/RequireAuth.js";
import { AccountDeletedPage } from "./AccountDeletedPage.js";
import { AccountPage } from "./AccountPage.js";
import { ActivityPage } from "./ActivityPage.js";
import { DataPage } from "./DataPage.js";
import { OptionsPage } from "./OptionsPage.js";
import { PrintCodesPage } from "./PrintCodesPage.js";
import { SecurityPage } from "./SecurityPage.js";
import { SettingsLayout } from "./SettingsLayout.js";

/** The settings routes, placed in the app's router by App.tsx. */
export const settingsRoutes: RouteObject[] = [
  {
    path: "/settings",
    element: <RequireAuth><SettingsLayout /></RequireAuth>,
    handle: { titleKey: "settings.title" },
    children: [
      { index: true, element: <AccountPage />, handle: { titleKey: "settings.nav.account" } },
      { path: "security", element: <SecurityPage />, handle: { titleKey: "settings.nav.security" } },
      { path: "activity", element: <ActivityPage />, handle: { titleKey: "settings.nav.activity" } },
      { path: "options", element: <OptionsPage />, handle: { titleKey: "settings.nav.options" } },
      { path: "data", element: <DataPage />, handle: { titleKey: "settings.nav.data" } },
    ],
  },
  { path: "/settings/security/codes/print", element: <RequireAuth><PrintCodesPage /></RequireAuth>, handle: { titleKey: "settings.codes.printTitle" } },
  { path: "/settings/deleted", element: <AccountDeletedPage />, handle: { titleKey: "settings.deleted.title" } },
];
