/// <reference types="office-js" />
/** The task pane's entry: waits for Office.onReady, then renders the React app over the adapter. */
import { createRoot } from "react-dom/client";
import { registerKuvertIcons } from "#shared/ui/icons.js";
import { officeAdapter } from "../office/adapter.js";
import { initPaneI18n } from "./i18n.js";
import { App } from "./App.js";

async function start(): Promise<void> {
  registerKuvertIcons();
  const office = officeAdapter();
  const lang = await initPaneI18n(office.displayLanguage());
  const root = document.getElementById("root");
  if (!root) throw new Error("no #root");
  createRoot(root).render(<App office={office} apiBase={window.location.origin} lang={lang} />);
}

if (typeof Office === "undefined") {
  // Opened outside Outlook (or office.js could not load): say so instead of a blank page.
  const root = document.getElementById("root");
  if (root) root.textContent = "Öppna Kuvert från Outlook. Open Kuvert from Outlook.";
} else {
  void Office.onReady(() => start());
}
