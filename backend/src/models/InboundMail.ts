import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * One mail received at a Kuvert address (bounce, auto-reply, reply to a notification). Only
 * routing facts are kept: never the body, and the sender only as a keyed hash plus its domain.
 */
export class InboundMail extends Model<InferAttributes<InboundMail>, InferCreationAttributes<InboundMail>> {
  declare id: CreationOptional<number>;
  declare receivedAt: Date;
  /** "smtp" (the listener) or "http" (POST /api/inbound/mail). */
  declare via: string;
  declare classification: string;
  /** The signal that decided the classification (diagnostics). */
  declare reason: string;
  /** The inbound mail's own Message-ID (duplicate deliveries are recognised by it). */
  declare inboundMessageId: string | null;
  /** HMAC-SHA256 of the sender address under a key from MASTER_KEY: equality only. */
  declare senderHash: string | null;
  declare senderDomain: string | null;
  declare outboxEntryId: number | null;
  /** The matched outbox entry's reference, e.g. "message_recipient:<id>". */
  declare reference: string | null;
  declare statusCode: string | null;
  declare action: string | null;
  /** Set when an answer was sent: HMAC of sender + notification, unique (once per pair). */
  declare answerKey: string | null;
  declare answerOutboxEntryId: number | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    InboundMail.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        receivedAt: { type: DataTypes.DATE(3), allowNull: false },
        via: { type: DataTypes.STRING(8), allowNull: false },
        classification: { type: DataTypes.STRING(16), allowNull: false },
        reason: { type: DataTypes.STRING(40), allowNull: false },
        inboundMessageId: { type: DataTypes.STRING(250), allowNull: true },
        senderHash: { type: DataTypes.STRING(64), allowNull: true },
        senderDomain: { type: DataTypes.STRING(255), allowNull: true },
        outboxEntryId: { type: DataTypes.BIGINT, allowNull: true },
        reference: { type: DataTypes.STRING(100), allowNull: true },
        statusCode: { type: DataTypes.STRING(16), allowNull: true },
        action: { type: DataTypes.STRING(16), allowNull: true },
        answerKey: { type: DataTypes.STRING(64), allowNull: true },
        answerOutboxEntryId: { type: DataTypes.BIGINT, allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "inbound_mail", underscored: true, updatedAt: false },
    );
  }
}
