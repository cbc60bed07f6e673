import { fileURLToPath } from "node:url";
import path from "node:path";
import { Umzug, SequelizeStorage } from "umzug";
import { QueryTypes, type QueryInterface, type Sequelize } from "sequelize";
import { migrations } from "./migrations/index.js";

export type MigrationFn = (ctx: { context: QueryInterface }) => Promise<void>;
export interface Migration {
  name: string;
  up: MigrationFn;
  down: MigrationFn;
}

export function migrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: "schema_migrations" }),
    logger: undefined,
  });
}

/** How long an instance waits for another one's migrations before it gives up. */
const MIGRATION_LOCK_SECONDS = 600;

/**
 * Instances of a new version may start at the same moment on one MySQL/MariaDB database: a named
 * lock (GET_LOCK, held by one connection, released by the server should that connection die) lets
 * one migrate while the others wait, then find nothing left to do. SQLite is one process's file.
 */
async function withMigrationLock<T>(sequelize: Sequelize, run: () => Promise<T>): Promise<T> {
  if (sequelize.getDialect() !== "mysql") return run();
  // A transaction is the way to keep one pooled connection for the lock; it writes nothing.
  const holder = await sequelize.transaction();
  try {
    const [row] = (await sequelize.query("SELECT GET_LOCK('kuvert_migrations', ?) AS got", {
      replacements: [MIGRATION_LOCK_SECONDS],
      type: QueryTypes.SELECT,
      transaction: holder,
    })) as Array<{ got: number | null }>;
    if (row?.got !== 1) throw new Error(`another instance held the migration lock for ${MIGRATION_LOCK_SECONDS} s`);
    try {
      return await run();
    } finally {
      await sequelize.query("SELECT RELEASE_LOCK('kuvert_migrations')", { transaction: holder });
    }
  } finally {
    await holder.commit();
  }
}

/** Applies pending migrations; returns the names applied. */
export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  const done = await withMigrationLock(sequelize, () => migrator(sequelize).up());
  return done.map((m) => m.name);
}

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
