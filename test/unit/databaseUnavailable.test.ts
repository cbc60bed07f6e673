import { expect } from "chai";
import {
  ConnectionAcquireTimeoutError,
  ConnectionRefusedError,
  DatabaseError,
  UniqueConstraintError,
  ValidationError,
} from "sequelize";
import { isDatabaseUnavailable } from "../../backend/src/db.js";
import { toAppError } from "../../backend/src/middlewares/errorHandler.js";

/** A driver error as mysql2 reports it (code, errno, fatal), wrapped as Sequelize wraps it. */
function driverError(code: string, message: string, fatal = false): DatabaseError {
  const parent = Object.assign(new Error(message), { code, fatal, sql: "SELECT 1", parameters: {} });
  return new DatabaseError(parent);
}

describe("a database that is away answers 503 (db.ts isDatabaseUnavailable)", () => {
  const away: Array<[string, unknown]> = [
    ["connection refused", new ConnectionRefusedError(Object.assign(new Error("connect ECONNREFUSED"), {}))],
    ["no pooled connection in time", new ConnectionAcquireTimeoutError(new Error("Operation timeout"))],
    ["connection lost mid-query", driverError("PROTOCOL_CONNECTION_LOST", "Connection lost", true)],
    ["server shutting down", driverError("ER_SERVER_SHUTDOWN", "Server shutdown in progress")],
    ["connection killed by the shutdown", driverError("ER_CONNECTION_KILLED", "Connection was killed")],
    ["a closed connection", driverError("", "Can't add new command when connection is in closed state", true)],
    ["reset by the peer", driverError("ECONNRESET", "read ECONNRESET")],
  ];
  for (const [what, err] of away) {
    it(`${what} → 503 service_unavailable`, () => {
      expect(isDatabaseUnavailable(err)).to.equal(true);
      const mapped = toAppError(err);
      expect(mapped?.status).to.equal(503);
      expect(mapped?.id).to.equal("service_unavailable");
      expect(mapped?.headers["Retry-After"]).to.equal("5");
    });
  }

  const notAway: Array<[string, unknown]> = [
    ["a syntax error (a bug: 500)", driverError("ER_PARSE_ERROR", "You have an error in your SQL syntax")],
    ["a deadlock (retried by transaction())", driverError("ER_LOCK_DEADLOCK", "Deadlock found")],
    ["a unique constraint", new UniqueConstraintError({})],
    ["a validation error", new ValidationError("bad", [])],
    ["a plain error", new Error("boom")],
    [
      "a reset that is not the database's (a client gone, an object store)",
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    ],
    ["not an error", "text"],
  ];
  for (const [what, err] of notAway) {
    it(`${what} is not an outage`, () => {
      expect(isDatabaseUnavailable(err)).to.equal(false);
    });
  }
});
