/// <reference types="office-js" />
/**
 * The sign-in dialog's entry (/addin/signin.html, opened by the task pane with
 * Office.context.ui.displayDialogAsync): waits for Office.onReady, then renders the Kuvert
 * sign-in and answers the pane with the API token through the Office adapter.
 */
import { createRoot } from "react-dom/client";
import { registerKuvertIcons } from "#shared/ui/icons.js";
import { officeAdapter } from "../office/adapter.js";
import { initPaneI18n } from "../taskpane/i18n.js";
import { SignInDialog } from "./SignInDialog.js";

async function start(): Promise<void> {
  registerKuvertIcons();
  const office = officeAdapter();
  await initPaneI18n(office.displayLanguage());
  const root = document.getElementById("root");
  if (!root) throw new Error("no #root");
  document.title = document.documentElement.lang === "en" ? "Sign in to Kuvert" : "Logga in på Kuvert";
  // The pane is served by this same Kuvert server: only a page of this origin receives the token.
  const answer = (token: string) => office.messageParent(JSON.stringify({ token }), window.location.origin);
  createRoot(root).render(<SignInDialog answer={answer} />);
}

if (typeof Office === "undefined") {
  // Opened outside Outlook (or office.js could not load): the token would have nowhere to go.
  const root = document.getElementById("root");
  if (root) root.textContent = "Öppna inloggningen från Kuvert i Outlook. Open the sign-in from Kuvert in Outlook.";
} else {
  void Office.onReady(() => start());
}
