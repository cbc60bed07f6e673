import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ThemeProvider } from "@fluentui/react";
import "./styles.css";
import { App } from "./App.js";
import { initI18n } from "./i18n.js";
import { SessionProvider } from "./session/SessionContext.js";
import { registerKuvertIcons } from "#shared/ui/icons.js";
import { applyThemeColours, kuvertTheme } from "./theme.js";

async function start(): Promise<void> {
  registerKuvertIcons();
  applyThemeColours();
  await initI18n();
  const root = document.getElementById("root");
  if (!root) throw new Error("#root missing");
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider theme={kuvertTheme} applyTo="body">
        <SessionProvider>
          <App />
        </SessionProvider>
      </ThemeProvider>
    </StrictMode>,
  );
}

void start();
