import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** Records that `userId`'s auto-reply for absence `period` went to `senderId`. */
export class AutoReplyLog extends Model<InferAttributes<AutoReplyLog>, InferCreationAttributes<AutoReplyLog>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare senderId: string;
  declare period: string;
  declare messageId: string | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AutoReplyLog.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.UUID, allowNull: false },
        senderId: { type: DataTypes.UUID, allowNull: false },
        period: { type: DataTypes.STRING(64), allowNull: false },
        messageId: { type: DataTypes.UUID, allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "auto_reply_log", underscored: true, updatedAt: false },
    );
  }
}
