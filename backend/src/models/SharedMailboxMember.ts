import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const mailboxRights = ["read", "send", "manage"] as const;
export type MailboxRight = (typeof mailboxRights)[number];

/** A member of a shared mailbox and their rights: read (and reply), send (start new), manage (members). */
export class SharedMailboxMember extends Model<
  InferAttributes<SharedMailboxMember>,
  InferCreationAttributes<SharedMailboxMember>
> {
  declare id: CreationOptional<string>;
  declare mailboxId: string;
  declare userId: string;
  declare canRead: boolean;
  declare canSend: boolean;
  declare canManage: boolean;
  /** E-mail the member a neutral notice when a message arrives (their own choice). */
  declare notify: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SharedMailboxMember.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        mailboxId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        canRead: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        canSend: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        canManage: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        notify: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "shared_mailbox_members", underscored: true },
    );
  }
}
