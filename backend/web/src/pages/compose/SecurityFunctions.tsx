import type { Dispatch } from "react";
import { TextField, Toggle } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { ComposeAction, ComposeState } from "./composeState.js";
import { composeClasses as classes, lockedToggle } from "./composeStyles.js";
import { toggleKeys } from "./securityOptions.js";

interface SecurityFunctionsProps {
  state: Pick<ComposeState, "options" | "forced" | "expires" | "expiryDate">;
  dispatch: Dispatch<ComposeAction>;
}

/** Today's date as yyyy-mm-dd, the minimum of the expiry field. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A small padlock for the note under a function the organisation forces on. */
function LockIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="12"
      height="12"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2.5"
      strokeLinecap="round"
    >
      <path d="M6 11h12v10H6z" />
      <path d="M8.5 11V7.5a3.5 3.5 0 0 1 7 0V11" />
    </svg>
  );
}

/** The seven security functions (F4) as switches with their help; forced ones are on and locked. */
export function SecurityFunctions({ state, dispatch }: SecurityFunctionsProps) {
  const { t } = useTranslation();
  return (
    <fieldset className={classes.fieldset}>
      <legend className={classes.legend}>{t("mail.security.title")}</legend>
      <div className={classes.toggles}>
        {toggleKeys.map((key) => {
          const forced = state.forced.includes(key);
          return (
            <div key={key}>
              <Toggle
                label={t(`mail.security.${key}.name`)}
                checked={forced || state.options[key]}
                disabled={forced}
                styles={forced ? lockedToggle : undefined}
                onChange={(_, v) => dispatch({ type: "optionChanged", key, on: !!v })}
                inlineLabel
                aria-describedby={forced ? `forced-${key} help-${key}` : `help-${key}`}
                data-testid={`option-${key}`}
              />
              <p id={`help-${key}`} className={classes.help}>
                {t(`mail.security.${key}.help`)}
              </p>
              {forced ? (
                <p id={`forced-${key}`} className={classes.forced} data-testid={`forced-${key}`}>
                  <LockIcon />
                  {t("mail.security.forced")}
                </p>
              ) : null}
            </div>
          );
        })}
        <div>
          <Toggle
            label={t("mail.security.expiry.name")}
            checked={state.expires}
            onChange={(_, v) => dispatch({ type: "expiresChanged", on: !!v })}
            inlineLabel
            aria-describedby="help-expiry"
            data-testid="option-expiry"
          />
          <p id="help-expiry" className={classes.help}>
            {t("mail.security.expiry.help")}
          </p>
          {state.expires ? (
            <TextField
              label={t("mail.security.expiry.date")}
              type="date"
              min={today()}
              value={state.expiryDate}
              onChange={(_, v) => dispatch({ type: "expiryDateChanged", date: v ?? "" })}
              data-testid="option-expiry-date"
            />
          ) : null}
        </div>
      </div>
    </fieldset>
  );
}
