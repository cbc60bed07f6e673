import { useEffect } from "react";
import { DefaultButton, PrimaryButton, mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { formClasses } from "../../components/formStyles.js";
import { useSession } from "../../session/SessionContext.js";
import { codesStore } from "./codesStore.js";
import { formatDateTime } from "./format.js";
import { colors } from "../../theme.js";

const classes = mergeStyleSets({
  sheet: {
    maxWidth: 640,
    margin: "8px auto",
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "28px 24px",
    "@media (max-width: 480px)": { padding: "18px 14px" },
  },
  title: { fontSize: 24, fontWeight: 600, margin: "0 0 8px" },
  meta: { margin: "0 0 16px", color: colors.textSecondary, lineHeight: "1.5" },
  codes: {
    display: "grid",
    gridTemplateColumns: "repeat(2, minmax(0, 1fr))",
    gap: "12px 24px",
    margin: "0 0 20px",
    padding: 0,
    listStyle: "none",
    fontFamily: "Consolas, 'Courier New', monospace",
    fontSize: 20,
    "@media (max-width: 360px)": { gridTemplateColumns: "1fr" },
  },
  code: {
    borderBottom: `1px dashed ${colors.inputBorder}`,
    padding: "4px 0",
    display: "flex",
    gap: 10,
    alignItems: "center",
  },
  box: {
    display: "inline-block",
    width: 14,
    height: 14,
    border: `1.5px solid ${colors.textSecondary}`,
    borderRadius: 2,
    flexShrink: 0,
  },
});

/**
 * The print view of freshly generated one-time codes (F18): a plain sheet for paper; header,
 * navigation and buttons are hidden on paper by print.css.
 */
export function PrintCodesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useSession();
  const codes = codesStore.get(user?.id);

  useEffect(() => {
    document.body.classList.add("kuvert-print-view");
    return () => document.body.classList.remove("kuvert-print-view");
  }, []);

  if (!codes) {
    return (
      <div className={classes.sheet}>
        <h1 className={classes.title}>{t("settings.codes.printTitle")}</h1>
        <p className={classes.meta} data-testid="print-no-codes">
          {t("settings.codes.printGone")}
        </p>
        <Link to="/settings/security#codes">{t("settings.codes.back")}</Link>
      </div>
    );
  }
  return (
    <div className={classes.sheet}>
      <h1 className={classes.title}>{t("settings.codes.printTitle")}</h1>
      <p className={classes.meta}>
        {t("settings.codes.printFor", { email: user?.email ?? "", date: formatDateTime(new Date().toISOString()) })}
        <br />
        {t("settings.codes.printHelp")}
      </p>
      <ul className={classes.codes} data-testid="print-codes">
        {codes.map((c) => (
          <li key={c} className={classes.code}>
            <span className={classes.box} aria-hidden="true" />
            {c}
          </li>
        ))}
      </ul>
      <div className={`${formClasses.actions} no-print`}>
        <PrimaryButton onClick={() => window.print()} data-testid="print-now">
          {t("settings.codes.printNow")}
        </PrimaryButton>
        <DefaultButton onClick={() => navigate("/settings/security#codes")}>{t("settings.codes.back")}</DefaultButton>
      </div>
    </div>
  );
}
