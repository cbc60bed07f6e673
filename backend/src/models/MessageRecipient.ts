import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const deliveryStatuses = [
  "queued",
  "notified",
  "opened",
  "read",
  "expired",
  "burned",
  "bounced",
  "away",
  "not_delivered",
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One recipient of a message: delivery status for the sender, and the single-purpose link
 * token (only its SHA-256 is stored), bound to this recipient, expiring with the message.
 */
export class MessageRecipient extends Model<
  InferAttributes<MessageRecipient>,
  InferCreationAttributes<MessageRecipient>
> {
  declare id: CreationOptional<string>;
  declare messageId: string;
  declare userId: string;
  declare status: CreationOptional<DeliveryStatus>;
  /** The mobile number the sender gave; a first-time recipient's codes go here (a registered reader's go to their own verified primary phone). */
  declare mobile: string | null;
  declare tokenHash: string | null;
  declare tokenExpiresAt: Date | null;
  declare notifiedAt: CreationOptional<Date | null>;
  declare openedAt: CreationOptional<Date | null>;
  declare readAt: CreationOptional<Date | null>;
  declare revealedAt: CreationOptional<Date | null>;
  /** When a first-time recipient proved the mobile number with the SMS code. */
  declare verifiedAt: CreationOptional<Date | null>;
  /** SHA-256 of the secret in the browser's cookie that did the verification (binds register to it). */
  declare verifySecretHash: CreationOptional<string | null>;
  declare verifyExpiresAt: CreationOptional<Date | null>;
  /** Wrong SMS codes entered through the link, in all (at the limit the link is retired). */
  declare codeFailures: CreationOptional<number>;
  /** Wrong SMS codes in the 24-hour window that began at `codeFailureWindowStart`. */
  declare codeFailuresToday: CreationOptional<number>;
  declare codeFailureWindowStart: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const date = () => ({ type: DataTypes.DATE(3), allowNull: true });
    MessageRecipient.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        messageId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "queued" },
        mobile: { type: DataTypes.STRING(32), allowNull: true },
        tokenHash: { type: DataTypes.STRING(64), allowNull: true },
        tokenExpiresAt: date(),
        notifiedAt: date(),
        openedAt: date(),
        readAt: date(),
        revealedAt: date(),
        verifiedAt: date(),
        verifySecretHash: { type: DataTypes.STRING(64), allowNull: true },
        verifyExpiresAt: date(),
        codeFailures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        codeFailuresToday: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        codeFailureWindowStart: date(),
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "message_recipients", underscored: true },
    );
  }
}
