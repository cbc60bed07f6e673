import { fileURLToPath } from "node:url";
import path from "node:path";
import { Umzug, SequelizeStorage } from "umzug";
import type { QueryInterface, Sequelize } from "sequelize";
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

/** Applies pending migrations; returns the names applied. */
export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  const done = await migrator(sequelize).up();
  return done.map((m) => m.name);
}

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
