import { useCallback, useEffect, useRef, useState } from "react";
import { DefaultButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminClasses } from "./adminStyles.js";

const PAGE_SIZE = 50;

interface KeysetPage {
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface KeysetPages<P extends KeysetPage> {
  page: P | undefined;
  loadError: unknown;
  /** Fetches the current page again (after a change). */
  reload(): Promise<void>;
  /** How many rows stand on the pages before this one. */
  pageStart: number;
  hasPrevious: boolean;
  hasNext: boolean;
  previous(): void;
  next(): void;
  /** Back to the first page (where new rows appear). */
  first(): void;
}

/**
 * An admin list 50 to a page with Previous and Next over keyset cursors. `fetchPage` holds the
 * search and filters: give a new one (useCallback) when they change, and paging starts again
 * from the first page.
 */
export function useKeysetPages<P extends KeysetPage>(
  fetchPage: (after: string | undefined, limit: number) => Promise<P>,
): KeysetPages<P> {
  // The cursors of the pages before this one, and this page's own cursor.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<P | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);

  const after = cursors[cursors.length - 1];
  // Only the newest request may fill the list: an older answer arriving late (a reload after an
  // action, then a new search) must not overwrite it.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const result = await fetchPage(after, PAGE_SIZE);
      if (request !== latest.current) return;
      setPage(result);
      setLoadError(null);
    } catch (err) {
      if (request === latest.current) setLoadError(err);
    }
  }, [fetchPage, after]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // A new search or filter starts from the first page.
  useEffect(() => setCursors([undefined]), [fetchPage]);

  return {
    page,
    loadError,
    reload,
    pageStart: (cursors.length - 1) * PAGE_SIZE,
    hasPrevious: cursors.length > 1,
    hasNext: !!page?.next,
    previous: () => setCursors((c) => c.slice(0, -1)),
    next: () => setCursors((c) => [...c, page?.next ?? undefined]),
    first: () => setCursors([undefined]),
  };
}

interface PagingBarProps {
  paging: KeysetPages<KeysetPage>;
  /** The rows on this page. */
  rows: number;
  /** "1–50 of 120" for the rows on this page (1-based, inclusive); nothing shows on an empty page. */
  rangeText(from: number, to: number): string;
  /** Test ids: `{testIdPrefix}-range`, `-previous` and `-next`. */
  testIdPrefix: string;
}

/** Under an admin list: which rows show, and Previous and Next. */
export function PagingBar({ paging, rows, rangeText, testIdPrefix }: PagingBarProps) {
  const { t } = useTranslation();
  return (
    <div className={adminClasses.paging}>
      <span aria-live="polite" data-testid={`${testIdPrefix}-range`}>
        {rows > 0 ? rangeText(paging.pageStart + 1, paging.pageStart + rows) : ""}
      </span>
      <DefaultButton
        onClick={() => paging.previous()}
        disabled={!paging.hasPrevious}
        data-testid={`${testIdPrefix}-previous`}
      >
        {t("admin.users.previous")}
      </DefaultButton>
      <DefaultButton onClick={() => paging.next()} disabled={!paging.hasNext} data-testid={`${testIdPrefix}-next`}>
        {t("admin.users.next")}
      </DefaultButton>
    </div>
  );
}
