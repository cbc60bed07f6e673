import fs from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { BaseError, ConnectionError, Sequelize, Transaction, type Options } from "sequelize";
import { env } from "./env.js";
import { logger } from "./logger.js";
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
  installTransactionGuard(sequelize);
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

/** Driver error codes that mean the database server is away, not that the query was wrong. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_GONE_ERROR",
  "CR_SERVER_GONE_ERROR",
  "CR_SERVER_LOST",
  "ER_CONNECTION_KILLED",
  "SQLITE_CANTOPEN",
  "SQLITE_IOERR",
]);

/**
 * True when `err` says the database cannot be reached right now (refused, lost or timed-out
 * connections, a server shutting down, a pool that could not hand out a connection): the
 * request may succeed later, so the API answers 503 `service_unavailable` instead of 500.
 * Such a failure is never retried inside `transaction()`: a lost COMMIT may have happened.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof ConnectionError) return true; // refused, timed out, acquire time-out, …
  // Only the database's errors: a client or object store connection reset is something else.
  if (!(err instanceof BaseError)) return false;
  const e = err as unknown as {
    parent?: { code?: string; fatal?: boolean; message?: string };
    original?: { code?: string; fatal?: boolean };
    code?: string;
    fatal?: boolean;
    message?: string;
  };
  const cause = e.parent ?? e.original ?? e;
  if (cause.code && UNAVAILABLE_CODES.has(cause.code)) return true;
  // mysql2: a query on a connection that died ("Can't add new command when connection is in closed state").
  if (cause.fatal === true) return true;
  return /connection is in closed state|Connection lost|server has gone away/i.test(
    (cause as { message?: string }).message ?? e.message ?? "",
  );
}

/**
 * The transaction whose callback is running in this async context. A query in it that does not
 * name it would take a second connection while the transaction holds the first (on MySQL a
 * burst of such requests exhausts the pool and every one waits for the acquire time-out; on
 * SQLite it waits for the write lock its own transaction holds). `assertInTransaction` catches
 * that; `detached` is for work that must deliberately run on its own (background kicks).
 */
interface Scope {
  t?: Transaction;
  done: boolean;
}
const scope = new AsyncLocalStorage<Scope>();

/** The open transaction of the callback running in this async context, if any. */
export function openTransaction(): Transaction | undefined {
  const s = scope.getStore();
  // Sequelize sets `finished` when a transaction commits (before its afterCommit hooks run).
  if (!s || s.done || !s.t || (s.t as { finished?: string }).finished) return undefined;
  return s.t;
}

/** Runs `fn` outside any transaction context (e.g. work scheduled from inside a transaction). */
export function detached<T>(fn: () => T): T {
  return scope.exit(fn);
}

export class TransactionMisuseError extends Error {}

let sqliteTail: Promise<void> = Promise.resolve();

/**
 * SQLite has one writer at a time and our transactions take the write lock at BEGIN
 * (IMMEDIATE): in this process they queue for their turn instead of polling a busy database,
 * so a burst of requests costs waiting, not retries. MySQL needs no queue.
 */
async function inTurn<T>(run: () => Promise<T>): Promise<T> {
  if (dialect() !== "sqlite") return run();
  const previous = sqliteTail;
  let release!: () => void;
  sqliteTail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await run();
  } finally {
    release();
  }
}

/**
 * Runs `fn` in a transaction; every change that spans rows goes through here. A transaction
 * that lost a lock conflict (to another instance or process) is run again (up to 7 times,
 * with growing jitter), so concurrent requests never surface a deadlock or a busy database as
 * a 500. `fn` must therefore only have effects inside the database until it returns (side
 * effects go in `t.afterCommit`), and should not wait for slow work (scrypt, key derivation,
 * network): do that before. Every query in `fn` passes `t`; a transaction() inside another
 * is refused (it would need a second connection and, on SQLite, wait for itself).
 */
export function transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
  if (openTransaction()) {
    return Promise.reject(new TransactionMisuseError("transaction() inside an open transaction: pass its `t` instead"));
  }
  return inTurn(async () => {
    for (let attempt = 1; ; attempt++) {
      const s: Scope = { done: false };
      try {
        return await scope.run(s, () =>
          db().transaction((t) => {
            s.t = t;
            return fn(t);
          }),
        );
      } catch (err) {
        if (attempt >= 8 || !isRetryableConflict(err)) throw err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25 * attempt));
      } finally {
        s.done = true;
      }
    }
  });
}

/**
 * A write that must not be undone with a request's rollback (rate-limit counters) but on
 * SQLite must still take its turn in the write queue: outside an open transaction it runs in a
 * short transaction of its own on SQLite and as plain statements on MySQL; inside one it joins it.
 */
export function queuedWrite<T>(fn: (t: Transaction | undefined) => Promise<T>): Promise<T> {
  const open = openTransaction();
  if (open) return fn(open);
  if (!instance || dialect() !== "sqlite") return fn(undefined);
  return transaction((t) => fn(t));
}

/**
 * Refuses (in tests and development) or reports (in production) a query made inside a
 * transaction's callback that does not run in that transaction.
 */
function installTransactionGuard(sequelize: Sequelize): void {
  let reported = false;
  sequelize.addHook("beforeQuery", (options: { transaction?: Transaction | null }) => {
    const open = openTransaction();
    const given = options.transaction as (Transaction & { parent?: Transaction }) | null | undefined;
    if (!open || given === open || given?.parent === open) return;
    const error = new TransactionMisuseError(
      "a query inside a transaction callback did not pass the transaction (it takes a second connection)",
    );
    if (!env().isProduction) throw error;
    if (!reported) logger.warn({ stack: error.stack }, error.message);
    reported = true;
  });
}

export async function disconnect(): Promise<void> {
  if (!instance) return;
  const s = instance;
  instance = undefined;
  await s.close();
}
