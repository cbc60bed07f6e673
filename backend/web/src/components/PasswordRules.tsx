import { FontIcon, mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { checkPasswordRules } from "../passwordRules.js";
import { colors } from "../theme.js";

const classes = mergeStyleSets({
  list: { listStyle: "none", margin: "4px 0 0", padding: 0, fontSize: 14 },
  item: { display: "flex", alignItems: "center", gap: 6, padding: "2px 0" },
  ok: { color: colors.success },
  pending: { color: colors.textMuted },
});

/** The rules under a new-password field, ticked off as the user types. */
export function PasswordRules({ password, id }: { password: string; id: string }) {
  const { t } = useTranslation();
  return (
    <ul className={classes.list} id={id} aria-live="polite" data-testid="password-rules">
      {checkPasswordRules(password).map((rule) => (
        <li key={rule.id} className={`${classes.item} ${rule.ok ? classes.ok : classes.pending}`} data-ok={rule.ok}>
          <FontIcon iconName={rule.ok ? "CheckMark" : "CircleRing"} aria-hidden="true" />
          <span>
            {t(`password.rules.${rule.id}`)}
            <span className="visually-hidden">{rule.ok ? t("password.ruleMet") : t("password.ruleNotMet")}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
