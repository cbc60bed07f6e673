import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";

/**
 * A MariaDB server of the test's own: a fresh data directory under the temporary folder, its own
 * port and socket, run as the current user. It never touches the shared server on 3306, so a
 * test may stop and start it at will (a database restart, a fail-over).
 */
export interface PrivateMariadb {
  port: number;
  /** mysql://root@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** Runs one statement on a fresh connection (the server may have restarted since the last). */
  query<T = Record<string, unknown>>(sql: string, database?: string): Promise<T[]>;
  /** Stops the server (SIGTERM: a clean shutdown) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

function onPath(program: string): string | null {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"]) {
    const p = path.join(dir, program);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** The MariaDB server programs, when installed here. */
export function mariadbPrograms(): { server: string; installDb: string } | null {
  const server = onPath("mariadbd");
  const installDb = onPath("mariadb-install-db");
  return server && installDb ? { server, installDb } : null;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const programs = mariadbPrograms();
  if (!programs) throw new Error("mariadbd and mariadb-install-db are not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-mariadb-"));
  const datadir = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0 ? ["--user=root"] : [];
  const install = spawnSync(
    programs.installDb,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      "--skip-name-resolve",
      ...asRoot,
    ],
    { encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stdout}${install.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = "";

  const base = `mysql://root@127.0.0.1:${port}`;
  const query = async <T>(sql: string, database?: string): Promise<T[]> => {
    const c = await mysql.createConnection(database ? `${base}/${database}` : base);
    try {
      const [rows] = await c.query(sql);
      return rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  const start = async () => {
    child = spawn(
      programs.server,
      [
        "--no-defaults",
        ...asRoot,
        `--datadir=${datadir}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${path.join(dir, "mysqld.sock")}`,
        `--pid-file=${path.join(dir, "mysqld.pid")}`,
        "--skip-name-resolve",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=32M",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited: ${log}`);
      try {
        await query("SELECT 1");
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`mariadbd did not start: ${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGTERM");
    // A clean shutdown takes a second or two; one that hangs is cut short.
    const timer = setTimeout(() => c.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    port,
    url: (database) => `${base}/${database}`,
    query,
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
