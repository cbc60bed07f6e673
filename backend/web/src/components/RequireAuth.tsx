import { Spinner, SpinnerSize } from "@fluentui/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useSearchParams } from "react-router";
import { safeNext } from "../navigation.js";
import { useSession } from "../session/SessionContext.js";

/** Renders its children for a signed-in user; otherwise sends them to sign in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user, signedOut } = useSession();
  const location = useLocation();
  if (user === undefined)
    return <Spinner size={SpinnerSize.large} label={t("common.loading")} styles={{ root: { marginTop: 48 } }} />;
  if (user === null) {
    const next = location.pathname + location.search;
    const plain = next === "/" || signedOut;
    return <Navigate to={plain ? "/login" : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** The sign-in page sends a signed-in user on: to the page asked for (?next=) or the dashboard. */
export function SignedOutOnly({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const [params] = useSearchParams();
  if (user) return <Navigate to={safeNext(params.get("next"))} replace />;
  return <>{children}</>;
}
