import { ActionButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { currentLanguage, setLanguage } from "../i18n.js";
import { colors } from "../theme.js";

const onDark = {
  root: { color: colors.onPrimary, height: 40, flexShrink: 0, padding: "0 6px" },
  rootHovered: { color: colors.onPrimary, background: colors.primaryDarker },
  rootPressed: { color: colors.onPrimary, background: colors.primaryDarker },
  icon: { color: colors.onPrimary },
  iconHovered: { color: colors.onPrimary },
  iconPressed: { color: colors.onPrimary },
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
