import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";
import { jsonColumn } from "./json.js";

/** Append-only: rows are never updated; `hash` chains each event to the previous one. */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  declare organisationId: string | null;
  declare userId: string | null;
  declare actorId: string | null;
  /** `org|user|actor` ids as recorded (not foreign keys): what the hash covers. */
  declare refs: CreationOptional<string | null>;
  declare type: string;
  declare ip: string | null;
  declare userAgent: string | null;
  declare data: CreationOptional<Record<string, unknown>>;
  declare prevHash: string | null;
  declare hash: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        organisationId: { type: DataTypes.UUID, allowNull: true },
        userId: { type: DataTypes.UUID, allowNull: true },
        actorId: { type: DataTypes.UUID, allowNull: true },
        refs: { type: DataTypes.STRING(120), allowNull: true },
        type: { type: DataTypes.STRING(64), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        userAgent: { type: DataTypes.STRING(300), allowNull: true },
        data: jsonColumn<Record<string, unknown>>("data", {}),
        prevHash: { type: DataTypes.STRING(64), allowNull: true },
        hash: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      {
        sequelize,
        tableName: "audit_events",
        underscored: true,
        updatedAt: false,
        hooks: {
          beforeUpdate() {
            throw new Error("audit events are append-only");
          },
        },
      },
    );
  }
}
