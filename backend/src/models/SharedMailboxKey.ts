import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * One version of a shared mailbox's key pair: the public JWK, and the private JWK sealed under
 * the escrow key unless the organisation is zero-access (services/keys/mailboxKeys.ts).
 */
export class SharedMailboxKey extends Model<
  InferAttributes<SharedMailboxKey>,
  InferCreationAttributes<SharedMailboxKey>
> {
  declare id: CreationOptional<number>;
  declare mailboxId: string;
  declare version: number;
  declare publicKey: string;
  declare escrow: string | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SharedMailboxKey.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        mailboxId: { type: DataTypes.UUID, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        publicKey: { type: DataTypes.TEXT, allowNull: false },
        escrow: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "shared_mailbox_keys", underscored: true, updatedAt: false },
    );
  }
}

/** A mailbox key version's private JWK wrapped (JWE, ECDH-ES+A256KW) to one member's public key. */
export class SharedMailboxKeyWrap extends Model<
  InferAttributes<SharedMailboxKeyWrap>,
  InferCreationAttributes<SharedMailboxKeyWrap>
> {
  declare id: CreationOptional<number>;
  declare mailboxId: string;
  declare userId: string;
  declare version: number;
  declare jwe: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SharedMailboxKeyWrap.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        mailboxId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        jwe: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "shared_mailbox_key_wraps", underscored: true, updatedAt: false },
    );
  }
}

export const mailboxActions = ["read", "replied", "sent"] as const;
export type MailboxAction = (typeof mailboxActions)[number];

/** Which member read, answered or sent a message of a shared mailbox (its dialog history). */
export class SharedMailboxEvent extends Model<
  InferAttributes<SharedMailboxEvent>,
  InferCreationAttributes<SharedMailboxEvent>
> {
  declare id: CreationOptional<number>;
  declare mailboxId: string;
  declare messageId: string;
  declare userId: string | null;
  declare action: MailboxAction;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SharedMailboxEvent.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        mailboxId: { type: DataTypes.UUID, allowNull: false },
        messageId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: true },
        action: { type: DataTypes.STRING(16), allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "shared_mailbox_events", underscored: true, updatedAt: false },
    );
  }
}
