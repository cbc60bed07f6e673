import { db } from "../../backend/src/db.js";

/** Deletes every row of the given tables (in order), for suites that need an empty table. */
export async function clearTables(...tables: string[]): Promise<void> {
  for (const table of tables) await db().getQueryInterface().bulkDelete(table, {});
}
