import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const systemFolders = ["inbox", "sent", "drafts", "saved", "trash"] as const;
export type SystemFolder = (typeof systemFolders)[number];
/** `custom` entries live in the user's own folder `folderId`. */
export type FolderKind = SystemFolder | "custom";

/** A message as it appears in one user's mailbox (one row per user and message). */
export class MailboxEntry extends Model<InferAttributes<MailboxEntry>, InferCreationAttributes<MailboxEntry>> {
  declare id: CreationOptional<string>;
  declare userId: string;
  declare messageId: string;
  declare folder: FolderKind;
  declare folderId: CreationOptional<string | null>;
  /** Where a trashed entry came from, for restore. */
  declare previousFolder: CreationOptional<FolderKind | null>;
  declare unread: CreationOptional<boolean>;
  declare deletedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MailboxEntry.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false },
        messageId: { type: DataTypes.UUID, allowNull: false },
        folder: { type: DataTypes.STRING(16), allowNull: false },
        folderId: { type: DataTypes.UUID, allowNull: true },
        previousFolder: { type: DataTypes.STRING(16), allowNull: true },
        unread: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        deletedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "mailbox_entries", underscored: true },
    );
  }
}
