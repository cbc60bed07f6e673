import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import crypto from "node:crypto";
import mysql from "mysql2/promise";

export interface TestDatabase {
  url: string;
  dialect: "sqlite" | "mysql";
  drop(): Promise<void>;
}

/** A database of its own for this test process, so parallel runs never share rows. */
export async function testDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DB === "mysql") {
    const base = process.env.TEST_MYSQL_URL;
    if (!base) throw new Error("TEST_DB=mysql needs TEST_MYSQL_URL");
    const name = `kuvert_t_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
    const server = new URL(base);
    server.pathname = "/";
    const admin = await mysql.createConnection(server.toString());
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      dialect: "mysql",
      async drop() {
        const c = await mysql.createConnection(server.toString());
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-db-"));
  return {
    url: `sqlite:${path.join(dir, "test.sqlite")}`,
    dialect: "sqlite",
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
