import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export type OutboxChannel = "email" | "sms";
/** pending → sending (claimed under a lease) → sent | failed; a lapsed lease is reclaimable. */
export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

export class OutboxEntry extends Model<InferAttributes<OutboxEntry>, InferCreationAttributes<OutboxEntry>> {
  declare id: CreationOptional<number>;
  declare channel: OutboxChannel;
  declare status: CreationOptional<OutboxStatus>;
  /** Sealed (AES-256-GCM under a key from MASTER_KEY) and emptied once delivered. */
  declare payload: string | null;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: CreationOptional<Date>;
  declare leaseUntil: CreationOptional<Date | null>;
  declare claimedBy: CreationOptional<string | null>;
  declare lastError: CreationOptional<string | null>;
  declare sentAt: CreationOptional<Date | null>;
  declare providerId: CreationOptional<string | null>;
  /** The e-mail's Message-ID (not secret): inbound bounces and replies are matched by it. */
  declare messageId: CreationOptional<string | null>;
  /** What caused this entry, e.g. "message_recipient:<id>", for routing bounces back. */
  declare reference: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    OutboxEntry.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        channel: { type: DataTypes.STRING(8), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "pending" },
        payload: { type: DataTypes.TEXT, allowNull: true },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE(3), allowNull: false, defaultValue: DataTypes.NOW },
        leaseUntil: { type: DataTypes.DATE(3), allowNull: true },
        claimedBy: { type: DataTypes.STRING(64), allowNull: true },
        lastError: { type: DataTypes.STRING(500), allowNull: true },
        sentAt: { type: DataTypes.DATE(3), allowNull: true },
        providerId: { type: DataTypes.STRING(200), allowNull: true },
        messageId: { type: DataTypes.STRING(250), allowNull: true },
        reference: { type: DataTypes.STRING(100), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      {
        sequelize,
        tableName: "outbox_entries",
        underscored: true,
      },
    );
  }
}
