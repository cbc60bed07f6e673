import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CenteredCard } from "../../components/CenteredCard.js";

/** Said once the account is gone (F21). */
export function AccountDeletedPage() {
  const { t } = useTranslation();
  return (
    <CenteredCard title={t("settings.deleted.title")}>
      <p style={{ lineHeight: "1.5", marginTop: 0 }} data-testid="account-deleted">
        {t("settings.deleted.text")}
      </p>
      <Link to="/login">{t("settings.deleted.toSignIn")}</Link>
    </CenteredCard>
  );
}
