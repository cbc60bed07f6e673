import { ActionButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { currentLanguage, setLanguage } from "../i18n.js";

const onDark = {
  root: { color: "#ffffff", height: 40, flexShrink: 0, padding: "0 6px" },
  rootHovered: { color: "#ffffff", background: "#09344e" },
  rootPressed: { color: "#ffffff", background: "#09344e" },
  icon: { color: "#ffffff" },
  iconHovered: { color: "#ffffff" },
  iconPressed: { color: "#ffffff" },
};

/** One button that offers the other language, named in that language. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const other = currentLanguage() === "sv" ? "en" : "sv";
  return (
    <ActionButton
      iconProps={{ iconName: "Globe" }}
      styles={onDark}
      lang={other}
      onClick={() => void setLanguage(other)}
      data-testid="language-switch"
    >
      {t("shell.otherLanguage")}
    </ActionButton>
  );
}
