import { FontIcon, MessageBar, MessageBarType, TextField } from "@fluentui/react";
import type { Dispatch } from "react";
import { useTranslation } from "react-i18next";
import type { Contact } from "../../api/contacts.js";
import type { ComposeAction, ComposeState } from "./composeState.js";
import { composeClasses as classes } from "./composeStyles.js";

interface RecipientFieldsProps {
  state: Pick<ComposeState, "to" | "toError" | "needMobile" | "mobiles">;
  dispatch: Dispatch<ComposeAction>;
  contacts: Contact[];
  /** The typed recipients who are safe contacts (a known mobile). */
  safe: Contact[];
  autoFocus: boolean;
}

/** The To field with the contacts as suggestions, the safe contacts named, and a mobile asked for new people. */
export function RecipientFields({ state, dispatch, contacts, safe, autoFocus }: RecipientFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t("mail.compose.to")}
        description={t("mail.compose.toHelp")}
        value={state.to}
        onChange={(_, v) => dispatch({ type: "toChanged", to: v ?? "" })}
        errorMessage={state.toError}
        list="compose-contacts"
        autoComplete="off"
        required
        autoFocus={autoFocus}
        data-testid="compose-to"
      />
      <datalist id="compose-contacts">
        {contacts.map((c) => (
          <option key={c.id} value={c.email}>
            {c.name ?? c.email}
          </option>
        ))}
      </datalist>
      {safe.length ? (
        <div className={classes.safe} data-testid="safe-contacts">
          {safe.map((c) => (
            <span key={c.id} className={classes.safeItem}>
              <FontIcon iconName={c.verified ? "Verified" : "Phone"} aria-hidden="true" />
              {c.verified
                ? t("mail.compose.safeContact", { email: c.email })
                : t("mail.compose.knownMobile", { email: c.email })}
            </span>
          ))}
        </div>
      ) : null}
      {state.needMobile.length ? (
        <div className={classes.mobiles} data-testid="mobile-needed">
          <MessageBar messageBarType={MessageBarType.info} isMultiline>
            {t("mail.compose.mobileNeeded")}
          </MessageBar>
          {state.needMobile.map((email) => (
            <TextField
              key={email}
              label={t("mail.compose.mobileFor", { email })}
              type="tel"
              placeholder="+46 70 123 45 67"
              value={state.mobiles[email] ?? ""}
              onChange={(_, v) => dispatch({ type: "mobileChanged", email, mobile: v ?? "" })}
              autoComplete="off"
              required
              data-testid="compose-mobile"
            />
          ))}
        </div>
      ) : null}
    </>
  );
}
