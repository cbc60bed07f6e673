import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, Navigate, RouterProvider, useLocation, useMatches } from "react-router";
import { AppShell } from "./components/AppShell.js";
import { RequireAuth, SignedOutOnly } from "./components/RequireAuth.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage.js";
import { NotFoundPage } from "./pages/NotFoundPage.js";
import { RecoveryPage } from "./pages/RecoveryPage.js";
import { SignInPage } from "./pages/SignInPage.js";
import { InvitationPage } from "./pages/invitation/InvitationPage.js";
import { RecipientPage } from "./pages/recipient/RecipientPage.js";
import { MailboxPage } from "./pages/mailbox/MailboxPage.js";
import { ComposePage } from "./pages/compose/ComposePage.js";
import { ContactsPage } from "./pages/contacts/ContactsPage.js";
import { settingsRoutes } from "./pages/settings/routes.js";
import { adminRoutes } from "./pages/admin/routes.js";

interface RouteHandle {
  titleKey: string;
}

/** Keeps the document title in step with the page, and moves focus to the page on navigation. */
function PageTitle() {
  const { t, i18n } = useTranslation();
  const matches = useMatches();
  const location = useLocation();
  const handle = [...matches].reverse().find((m) => (m.handle as RouteHandle | undefined)?.titleKey)?.handle as
    RouteHandle | undefined;
  useEffect(() => {
    const page = handle ? t(handle.titleKey) : "";
    document.title = page ? `${page} – Kuvert` : "Kuvert";
  }, [handle, t, i18n.language]);
  useEffect(() => {
    // After navigation, start from the new page (for keyboard and screen-reader users) unless
    // the page already put focus on one of its fields.
    const main = document.getElementById("main");
    if (main && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }, [location.pathname]);
  return null;
}

function Shell() {
  return (
    <>
      <PageTitle />
      <AppShell />
    </>
  );
}

const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      {
        path: "/",
        element: (
          <RequireAuth>
            <DashboardPage />
          </RequireAuth>
        ),
        handle: { titleKey: "dashboard.title" },
      },
      {
        path: "/login",
        element: (
          <SignedOutOnly>
            <SignInPage />
          </SignedOutOnly>
        ),
        handle: { titleKey: "signIn.title" },
      },
      { path: "/forgot-password", element: <ForgotPasswordPage />, handle: { titleKey: "forgot.title" } },
      { path: "/recovery", element: <RecoveryPage />, handle: { titleKey: "recovery.title" } },
      { path: "/r/:token", element: <RecipientPage />, handle: { titleKey: "mail.titles.recipient" } },
      { path: "/invitation/:token", element: <InvitationPage />, handle: { titleKey: "mail.titles.invitation" } },
      { path: "/m/:token", element: <RecipientPage shared />, handle: { titleKey: "mail.titles.recipient" } },
      {
        path: "/compose/*",
        element: (
          <RequireAuth>
            <ComposePage />
          </RequireAuth>
        ),
        handle: { titleKey: "mail.titles.compose" },
      },
      {
        path: "/mailbox",
        element: <Navigate to="/mailbox/inbox" replace />,
        handle: { titleKey: "mail.titles.mailbox" },
      },
      {
        path: "/mailbox/:folder/:messageId?",
        element: (
          <RequireAuth>
            <MailboxPage />
          </RequireAuth>
        ),
        handle: { titleKey: "mail.titles.mailbox" },
      },
      {
        path: "/shared/:mailboxId/:folder/:messageId?",
        element: (
          <RequireAuth>
            <MailboxPage />
          </RequireAuth>
        ),
        handle: { titleKey: "mail.titles.mailbox" },
      },
      {
        path: "/contacts/*",
        element: (
          <RequireAuth>
            <ContactsPage />
          </RequireAuth>
        ),
        handle: { titleKey: "mail.titles.contacts" },
      },
      ...settingsRoutes,
      ...adminRoutes,
      { path: "*", element: <NotFoundPage />, handle: { titleKey: "notFound.title" } },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
