import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import sv from "./locales/sv.json" with { type: "json" };
import en from "./locales/en.json" with { type: "json" };
import { languageOf, type Lang } from "#shared/findingText.js";

/** Outlook's UI language decides: Swedish for sv-*, English otherwise; missing keys fall back to Swedish. */
export async function initPaneI18n(displayLanguage: string): Promise<Lang> {
  const lng = languageOf(displayLanguage);
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: "sv",
    resources: { sv: { translation: sv }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = lng;
  return lng;
}
