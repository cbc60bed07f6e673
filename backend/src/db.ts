import fs from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { Sequelize, Transaction, type Options } from "sequelize";
import { env } from "./env.js";
import { initModels } from "./models/index.js";

export type Dialect = "sqlite" | "mysql";

let instance: Sequelize | undefined;

/** Parses DATABASE_URL into Sequelize options. The one place that knows the dialect. */
export function sequelizeOptions(url: string, poolMax = 10): { url?: string; options: Options } {
  const common: Options = { logging: false, define: { underscored: true } };
  if (url.startsWith("sqlite:")) {
    const file = url.slice("sqlite:".length).replace(/^\/\//, "");
    const storage = file === ":memory:" ? file : path.resolve(file);
    if (storage !== ":memory:") fs.mkdirSync(path.dirname(storage), { recursive: true });
    return {
      options: {
        ...common,
        dialect: "sqlite",
        storage,
        // IMMEDIATE takes the write lock at BEGIN, so two writers wait instead of deadlocking.
        transactionType: Transaction.TYPES.IMMEDIATE,
        retry: { max: 5, match: [/SQLITE_BUSY/] },
      },
    };
  }
  return {
    url: url.replace(/^mariadb:/, "mysql:"),
    options: {
      ...common,
      dialect: "mysql",
      pool: { max: poolMax, min: 0, idle: 10_000, acquire: 30_000 },
      dialectOptions: { charset: "utf8mb4", dateStrings: false, supportBigNumbers: true },
      timezone: "+00:00",
    },
  };
}

/** Opens the database named by DATABASE_URL and binds the models to it. */
export async function connect(url = env().DATABASE_URL): Promise<Sequelize> {
  if (instance) return instance;
  const { url: connUrl, options } = sequelizeOptions(url, env().DATABASE_POOL_MAX);
  const sequelize = connUrl ? new Sequelize(connUrl, options) : new Sequelize(options);
  if (sequelize.getDialect() === "sqlite") {
    await sequelize.query("PRAGMA journal_mode = WAL");
    await sequelize.query("PRAGMA busy_timeout = 5000");
    await sequelize.query("PRAGMA foreign_keys = ON");
  }
  await sequelize.authenticate();
  initModels(sequelize);
  instance = sequelize;
  return sequelize;
}

export function db(): Sequelize {
  if (!instance) throw new Error("database not connected");
  return instance;
}

export function dialect(): Dialect {
  return db().getDialect() === "sqlite" ? "sqlite" : "mysql";
}

/**
 * Conflicts where the losing transaction may simply run again: a MySQL deadlock victim or lock
 * wait time-out, and SQLite's "database is locked" when another connection holds the write lock
 * (SQLite connections do not wait: a waiting connection would block every query Sequelize runs
 * outside transactions).
 */
function isRetryableConflict(err: unknown): boolean {
  const e = err as { parent?: { code?: string }; original?: { code?: string }; message?: string };
  const code = e?.parent?.code ?? e?.original?.code;
  return (
    code === "ER_LOCK_DEADLOCK" ||
    code === "ER_LOCK_WAIT_TIMEOUT" ||
    code === "SQLITE_BUSY" ||
    /SQLITE_BUSY/.test(e?.message ?? "")
  );
}

/** Set while a transaction callback runs, so a nested transaction() does not wait for itself. */
const insideTransaction = new AsyncLocalStorage<true>();
let sqliteTail: Promise<void> = Promise.resolve();

/**
 * SQLite has one writer at a time and our transactions take the write lock at BEGIN
 * (IMMEDIATE): in this process they queue for their turn instead of polling a busy database,
 * so a burst of requests costs waiting, not retries. MySQL needs no queue.
 */
async function inTurn<T>(run: () => Promise<T>): Promise<T> {
  if (dialect() !== "sqlite" || insideTransaction.getStore()) return run();
  const previous = sqliteTail;
  let release!: () => void;
  sqliteTail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await insideTransaction.run(true, run);
  } finally {
    release();
  }
}

/**
 * Runs `fn` in a transaction; every change that spans rows goes through here. A transaction
 * that lost a lock conflict (to another instance or process) is run again (up to 7 times,
 * with growing jitter), so concurrent requests never surface a deadlock or a busy database as
 * a 500. `fn` must therefore only have effects inside the database until it returns (side
 * effects go in `t.afterCommit`).
 */
export function transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
  return inTurn(async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db().transaction(fn);
      } catch (err) {
        if (attempt >= 8 || !isRetryableConflict(err)) throw err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25 * attempt));
      }
    }
  });
}

export async function disconnect(): Promise<void> {
  if (!instance) return;
  const s = instance;
  instance = undefined;
  await s.close();
}
