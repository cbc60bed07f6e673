import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  ChoiceGroup,
  DefaultButton,
  Link,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Spinner,
  Stack,
  Text,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { ApiError } from "#shared/api/client.js";
import { errorText } from "#shared/api/errorText.js";
import { dialogApi, type SecondFactorMethod } from "./dialogApi.js";

export interface SignInDialogProps {
  /** Hands the API token to the task pane (Office.context.ui.messageParent through the adapter). */
  answer(token: string): void;
}

type Step =
  | { name: "password" }
  | { name: "second_factor"; methods: SecondFactorMethod[] }
  | { name: "finishing" }
  | { name: "done" };

/** A problem to show: a locked account, a rate limit (with the time it lifts) or any other error. */
type Problem =
  | { kind: "locked"; minutes: number | null }
  | { kind: "limited"; text: string; until: number }
  | { kind: "error"; text: string };

const order: SecondFactorMethod[] = ["totp", "sms", "backup_code"];

/**
 * The Kuvert sign-in in Outlook's dialog window: e-mail and password, then the second factor
 * (authenticator app, SMS code or one-time code) when the account has one; then it mints the
 * revocable API token with the same password, ends the browser session it used and answers the
 * task pane with the token.
 */
export function SignInDialog({ answer }: SignInDialogProps) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ name: "password" });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [method, setMethod] = useState<SecondFactorMethod>("totp");
  const [code, setCode] = useState("");
  const [smsTo, setSmsTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [, setTick] = useState(0);
  // The password stays in memory only until the token is minted (it must match the account's).
  const passwordForToken = useRef("");

  const limitedFor = problem?.kind === "limited" ? Math.max(0, problem.until - Date.now()) : 0;
  useEffect(() => {
    if (limitedFor <= 0) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(limitedFor, 1000));
    return () => clearTimeout(timer);
  }, [limitedFor]);
  const blocked = busy || limitedFor > 0;

  function fail(err: unknown) {
    if (err instanceof ApiError && err.id === "account_locked") {
      setProblem({ kind: "locked", minutes: err.retryAfter === null ? null : Math.ceil(err.retryAfter / 60) });
    } else if (err instanceof ApiError && err.id === "rate_limited") {
      setProblem({ kind: "limited", text: errorText(t, err), until: Date.now() + (err.retryAfter ?? 30) * 1000 });
    } else {
      setProblem({ kind: "error", text: errorText(t, err) });
    }
  }

  async function finish() {
    setStep({ name: "finishing" });
    try {
      const { token } = await dialogApi.createToken(passwordForToken.current);
      passwordForToken.current = "";
      // The pane holds the token from here on; this window's session is not needed any more.
      await dialogApi.logout().catch(() => undefined);
      setStep({ name: "done" });
      answer(token);
    } catch (err) {
      passwordForToken.current = "";
      setStep({ name: "password" });
      fail(err);
    }
  }

  async function handlePassword(e: FormEvent) {
    e.preventDefault();
    if (blocked) return;
    if (!email.trim() || !password) {
      setProblem({ kind: "error", text: t("signInDialog.missing") });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const result = await dialogApi.login(email.trim(), password);
      passwordForToken.current = password;
      setPassword("");
      if (result.next === "second_factor") {
        const methods = order.filter((m) => result.methods.includes(m));
        setMethod(methods[0] ?? "totp");
        setCode("");
        setSmsTo(null);
        setStep({ name: "second_factor", methods: methods.length ? methods : ["totp"] });
      } else {
        await finish();
      }
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function handleCode(e: FormEvent) {
    e.preventDefault();
    const clean = code.replace(/[\s-]/g, "");
    if (blocked || !clean) return;
    setBusy(true);
    setProblem(null);
    try {
      await dialogApi.secondFactor(method, method === "backup_code" ? code.trim() : clean);
      await finish();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        // The half-finished sign-in ran out: start again from the password.
        passwordForToken.current = "";
        setStep({ name: "password" });
        setProblem({ kind: "error", text: t("signInDialog.expired") });
      } else fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function handleSendSms() {
    setBusy(true);
    setProblem(null);
    try {
      const sent = await dialogApi.sendLoginSms();
      setSmsTo(sent.to);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    passwordForToken.current = "";
    setProblem(null);
    setCode("");
    setStep({ name: "password" });
  }

  const problemBar = problem ? (
    problem.kind === "locked" ? (
      <MessageBar messageBarType={MessageBarType.blocked} data-testid="dialog-locked" isMultiline>
        <strong style={{ display: "block" }}>{t("signInDialog.lockedTitle")}</strong>
        {problem.minutes === null
          ? t("signInDialog.lockedReset")
          : t("signInDialog.lockedFor", { count: problem.minutes })}{" "}
        <Link href={`${window.location.origin}/forgot-password`} target="_blank" rel="noopener noreferrer">
          {t("signInDialog.resetLink")}
        </Link>
      </MessageBar>
    ) : problem.kind === "limited" ? (
      <MessageBar messageBarType={MessageBarType.severeWarning} data-testid="dialog-rate-limited" isMultiline>
        <strong style={{ display: "block" }}>{t("signInDialog.rateLimitedTitle")}</strong>
        {problem.text}
      </MessageBar>
    ) : (
      <MessageBar messageBarType={MessageBarType.error} data-testid="dialog-error" isMultiline>
        {problem.text}
      </MessageBar>
    )
  ) : null;

  return (
    <Stack tokens={{ childrenGap: 12, padding: 16 }} as="main" styles={{ root: { maxWidth: 420, margin: "0 auto" } }}>
      <Text as="h1" variant="xLarge">
        {step.name === "second_factor" ? t("signInDialog.secondFactorTitle") : t("signInDialog.title")}
      </Text>
      {step.name === "password" && (
        <form onSubmit={(e) => void handlePassword(e)} noValidate>
          <Stack tokens={{ childrenGap: 12 }}>
            <Text>{t("signInDialog.intro")}</Text>
            <TextField
              label={t("signInDialog.email")}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(_, v) => setEmail(v ?? "")}
              autoFocus
              required
              data-testid="dialog-email"
            />
            <TextField
              label={t("signInDialog.password")}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(_, v) => setPassword(v ?? "")}
              required
              data-testid="dialog-password"
            />
            {problemBar}
            <PrimaryButton
              type="submit"
              disabled={blocked}
              data-testid="dialog-submit"
              text={busy ? t("signInDialog.busy") : t("signInDialog.submit")}
            />
          </Stack>
        </form>
      )}
      {step.name === "second_factor" && (
        <form onSubmit={(e) => void handleCode(e)} noValidate>
          <Stack tokens={{ childrenGap: 12 }}>
            <Text>{t("signInDialog.secondFactorLead")}</Text>
            {step.methods.length > 1 && (
              <ChoiceGroup
                label={t("signInDialog.chooseMethod")}
                selectedKey={method}
                options={step.methods.map((m) => ({ key: m, text: t(`signInDialog.method_${m}`) }))}
                onChange={(_, option) => {
                  if (!option) return;
                  setMethod(option.key as SecondFactorMethod);
                  setCode("");
                  setProblem(null);
                }}
              />
            )}
            {method === "sms" && (
              <Stack tokens={{ childrenGap: 8 }}>
                {smsTo !== null && (
                  <Text data-testid="dialog-sms-sent">{t("signInDialog.smsSent", { to: smsTo })}</Text>
                )}
                <DefaultButton
                  disabled={blocked}
                  onClick={() => void handleSendSms()}
                  text={smsTo === null ? t("signInDialog.sendSms") : t("signInDialog.sendSmsAgain")}
                  data-testid="dialog-send-sms"
                />
              </Stack>
            )}
            <TextField
              label={t(`signInDialog.method_${method}`)}
              description={t(`signInDialog.help_${method}`)}
              value={code}
              onChange={(_, v) => setCode(v ?? "")}
              autoComplete="one-time-code"
              inputMode={method === "backup_code" ? "text" : "numeric"}
              autoFocus
              required
              data-testid="dialog-code"
            />
            {problemBar}
            <Stack horizontal tokens={{ childrenGap: 8 }} wrap>
              <PrimaryButton
                type="submit"
                disabled={blocked || !code.trim()}
                data-testid="dialog-verify"
                text={t("signInDialog.verify")}
              />
              <DefaultButton onClick={restart} text={t("signInDialog.back")} />
            </Stack>
          </Stack>
        </form>
      )}
      {step.name === "finishing" && <Spinner label={t("signInDialog.finishing")} />}
      {step.name === "done" && (
        <MessageBar messageBarType={MessageBarType.success} data-testid="dialog-done">
          {t("signInDialog.done")}
        </MessageBar>
      )}
    </Stack>
  );
}
