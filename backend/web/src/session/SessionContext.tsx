import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { authApi, type CurrentUser } from "../api/auth.js";
import { onUnauthorized } from "../api/client.js";

interface SessionValue {
  /** undefined while loading, null when signed out. */
  user: CurrentUser | null | undefined;
  /** True after the user signed out in this tab (the sign-in page says so). */
  signedOut: boolean;
  refresh(): Promise<CurrentUser | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<CurrentUser | null | undefined>(undefined);
  const [signedOut, setSignedOut] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const next = await authApi.me();
      setUser(next);
      if (next) setSignedOut(false);
      return next;
    } catch {
      setUser(null);
      return null;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may already be gone on the server; the tab is signed out either way.
    }
    setSignedOut(true);
    setUser(null);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A 401 from any API call means the session is gone: forget the user, so RequireAuth sends
  // them to sign in (and back to this page afterwards).
  useEffect(() => onUnauthorized(() => setUser((u) => (u ? null : u))), []);

  const value = useMemo(() => ({ user, signedOut, refresh, signOut }), [user, signedOut, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
