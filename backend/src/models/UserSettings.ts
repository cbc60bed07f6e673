import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** Per-user options (F20): privacy, personal signature, auto-reply (used by messaging). */
export class UserSettings extends Model<InferAttributes<UserSettings>, InferCreationAttributes<UserSettings>> {
  declare userId: string;
  declare neutralNotifications: CreationOptional<boolean>;
  declare signature: CreationOptional<string | null>;
  /** Job title: the organisation signature's {title} (F5). */
  declare title: CreationOptional<string | null>;
  declare autoReplyEnabled: CreationOptional<boolean>;
  declare autoReplyText: CreationOptional<string | null>;
  declare autoReplyFrom: CreationOptional<Date | null>;
  declare autoReplyTo: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    UserSettings.init(
      {
        userId: { type: DataTypes.UUID, primaryKey: true },
        neutralNotifications: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        signature: { type: DataTypes.TEXT, allowNull: true },
        title: { type: DataTypes.STRING(100), allowNull: true },
        autoReplyEnabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        autoReplyText: { type: DataTypes.TEXT, allowNull: true },
        autoReplyFrom: { type: DataTypes.DATE(3), allowNull: true },
        autoReplyTo: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "user_settings", underscored: true },
    );
  }
}
