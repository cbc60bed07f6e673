import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CenteredCard } from "../components/CenteredCard.js";

/** A friendly page for addresses that do not exist. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <CenteredCard title={t("notFound.title")}>
      <p style={{ lineHeight: "1.5", marginTop: 0 }}>{t("notFound.text")}</p>
      <Link to="/">{t("notFound.home")}</Link>
    </CenteredCard>
  );
}
