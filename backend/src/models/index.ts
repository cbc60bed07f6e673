import type { Sequelize } from "sequelize";
import { Organisation } from "./Organisation.js";
import { User } from "./User.js";
import { OutboxEntry } from "./OutboxEntry.js";
import { AuditEvent } from "./AuditEvent.js";

export { Organisation, User, OutboxEntry, AuditEvent };

/** Binds every model to `sequelize`. Explicit list: add new models here. */
export function initModels(sequelize: Sequelize): void {
  for (const model of [Organisation, User, OutboxEntry, AuditEvent]) model.initModel(sequelize);
  User.belongsTo(Organisation, { foreignKey: "organisationId", as: "organisation" });
  Organisation.hasMany(User, { foreignKey: "organisationId", as: "users" });
}
