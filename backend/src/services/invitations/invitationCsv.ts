import { parse } from "csv-parse/sync";

/** The columns an import file must have (header row, any order, any case). */
export const INVITATION_CSV_COLUMNS = ["name", "email", "mobile", "role"] as const;
/** Rows one import may hold. */
export const INVITATION_CSV_MAX_ROWS = 1000;
/** Largest import file. */
export const INVITATION_CSV_MAX_BYTES = 512 * 1024;

export type CsvProblemReason = "csv_malformed" | "columns_missing" | "no_rows" | "too_many_rows";

export interface CsvRow {
  /** The line of the file the row ends on (1 is the header). */
  line: number;
  input: { name: string; email: string; mobile: string; role: string };
}

export type ParsedCsv = { ok: true; rows: CsvRow[] } | { ok: false; line: number; reason: CsvProblemReason };

/**
 * Reads an invitation import (csv-parse): a header row with name, email, mobile and role;
 * comma or semicolon separated (Excel in Swedish writes semicolons); a BOM and blank lines are
 * ignored; a short row reads its missing values as empty. The file as a whole is refused when it is not CSV or lacks a column; row values are
 * checked afterwards, row by row (commands/inviteUsers.ts).
 */
export function parseInvitationCsv(text: string): ParsedCsv {
  let records: Array<{ info: { lines: number }; record: Record<string, string | undefined> }>;
  let header: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [",", ";"],
      columns: (h: string[]) => {
        header = h.map((x) => x.trim().toLowerCase());
        return header;
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    });
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === "number" ? (err as { lines: number }).lines : 1;
    return { ok: false, line, reason: "csv_malformed" };
  }
  if (!INVITATION_CSV_COLUMNS.every((c) => header.includes(c)))
    return { ok: false, line: 1, reason: "columns_missing" };
  if (records.length === 0) return { ok: false, line: 2, reason: "no_rows" };
  if (records.length > INVITATION_CSV_MAX_ROWS)
    return { ok: false, line: records[INVITATION_CSV_MAX_ROWS].info.lines, reason: "too_many_rows" };
  const rows: CsvRow[] = [];
  for (const { info, record } of records) {
    rows.push({
      line: info.lines,
      input: {
        name: record.name ?? "",
        email: record.email ?? "",
        mobile: record.mobile ?? "",
        role: record.role ?? "",
      },
    });
  }
  return { ok: true, rows };
}
