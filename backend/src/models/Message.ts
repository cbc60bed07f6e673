import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** active → burned | expired | shredded (content and envelopes gone) */
export const messageStates = ["draft", "active", "burned", "expired", "shredded"] as const;
export type MessageState = (typeof messageStates)[number];

/**
 * A secure message. Everything a reader sees (subject, bodies, attachment names and sizes)
 * is inside `content`, a JWE under the message's content key (S1). The option columns are
 * plain only because the server must act on them.
 */
export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<string>;
  declare threadId: string;
  declare parentId: string | null;
  declare senderId: string | null;
  declare organisationId: string | null;
  declare state: CreationOptional<MessageState>;
  declare formatVersion: CreationOptional<number>;
  /** The content JWE (compact or JSON serialisation); null once shredded. */
  declare content: string | null;
  declare expiresAt: Date | null;
  declare shreddedAt: CreationOptional<Date | null>;
  declare idCheck: CreationOptional<boolean>;
  declare burnAfterReading: CreationOptional<boolean>;
  declare eyesOnly: CreationOptional<boolean>;
  declare readReceipt: CreationOptional<boolean>;
  declare notify: CreationOptional<boolean>;
  declare hideRecipients: CreationOptional<boolean>;
  /** SHA-256 of the shared link token (/m/{token}) of a message whose Outlook item is its notification. */
  declare sharedTokenHash: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const flag = (defaultValue = false) => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue });
    Message.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        threadId: { type: DataTypes.UUID, allowNull: false },
        parentId: { type: DataTypes.UUID, allowNull: true },
        senderId: { type: DataTypes.UUID, allowNull: true },
        organisationId: { type: DataTypes.UUID, allowNull: true },
        state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "active" },
        formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        content: { type: DataTypes.TEXT, allowNull: true },
        expiresAt: { type: DataTypes.DATE(3), allowNull: true },
        shreddedAt: { type: DataTypes.DATE(3), allowNull: true },
        idCheck: flag(),
        burnAfterReading: flag(),
        eyesOnly: flag(),
        readReceipt: flag(),
        notify: flag(true),
        hideRecipients: flag(),
        sharedTokenHash: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "messages", underscored: true },
    );
  }
}
