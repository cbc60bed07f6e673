import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";

/**
 * Organisation session timeouts (issue 10, *Policies*): a session keeps the idle timeout that
 * applied when it was made (its absolute end is already fixed in expires_at); null means the
 * operator's SESSION_IDLE_TIMEOUT_SECONDS.
 */
export const sessionIdleTimeout: Migration = {
  name: "20261203107000-session-idle-timeout",
  async up({ context: q }) {
    await q.addColumn("sessions", "idle_timeout_seconds", { type: DataTypes.INTEGER, allowNull: true });
  },
  async down({ context: q }) {
    await q.removeColumn("sessions", "idle_timeout_seconds");
  },
};
