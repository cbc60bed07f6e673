import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CenteredCard } from "../components/CenteredCard.js";

export type Section = "compose" | "mailbox" | "contacts" | "settings" | "recipient";

/**
 * Stands in for a part of the web mailbox that this version does not have yet, saying so
 * plainly and pointing to Outlook, where it works today.
 */
export function SectionPage({ section }: { section: Section }) {
  const { t } = useTranslation();
  return (
    <CenteredCard title={t(`section.${section}.title`)}>
      <p style={{ lineHeight: "1.5", marginTop: 0 }} data-testid="section-text">
        {t(`section.${section}.text`)}
      </p>
      <Link to="/">{t("section.back")}</Link>
    </CenteredCard>
  );
}
