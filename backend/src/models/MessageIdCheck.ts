import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** A session that has passed the SMS ID check for one message (F4). */
export class MessageIdCheck extends Model<InferAttributes<MessageIdCheck>, InferCreationAttributes<MessageIdCheck>> {
  declare id: CreationOptional<number>;
  declare sessionId: string;
  declare messageId: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MessageIdCheck.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        sessionId: { type: DataTypes.UUID, allowNull: false },
        messageId: { type: DataTypes.UUID, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "message_id_checks", underscored: true, updatedAt: false },
    );
  }
}
