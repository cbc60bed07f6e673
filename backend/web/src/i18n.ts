import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import sv from "./locales/sv.json" with { type: "json" };
import en from "./locales/en.json" with { type: "json" };
import settingsSv from "./locales/settings.sv.json" with { type: "json" };
import settingsEn from "./locales/settings.en.json" with { type: "json" };
import mailSv from "./locales/mail.sv.json" with { type: "json" };
import mailEn from "./locales/mail.en.json" with { type: "json" };
import adminSv from "./locales/admin.sv.json" with { type: "json" };
import adminEn from "./locales/admin.en.json" with { type: "json" };

export const languages = ["sv", "en"] as const;
export type Language = (typeof languages)[number];
const storageKey = "kuvert.language";

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value === "en" ? "en" : "sv";
  } catch {
    return "sv";
  }
}

/** Switches the interface language, remembers it in this browser and updates <html lang>. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // private mode: the choice lasts for this page only
  }
  await i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18next.language === "en" ? "en" : "sv";
}

/** Swedish by default; English when chosen before. Missing keys fall back to Swedish. */
export async function initI18n(): Promise<void> {
  i18next.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  await i18next.use(initReactI18next).init({
    resources: {
      sv: { translation: { ...sv, settings: settingsSv, mail: mailSv, admin: adminSv } },
      en: { translation: { ...en, settings: settingsEn, mail: mailEn, admin: adminEn } },
    },
    lng: storedLanguage(),
    fallbackLng: "sv",
    supportedLngs: [...languages],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
}
