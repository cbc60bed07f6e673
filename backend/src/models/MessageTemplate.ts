import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const templateLocales = ["sv", "en"] as const;
export type TemplateLocale = (typeof templateLocales)[number];

/** An organisation's text snippet for the composers (F5), managed by its admins. */
export class MessageTemplate extends Model<InferAttributes<MessageTemplate>, InferCreationAttributes<MessageTemplate>> {
  declare id: CreationOptional<string>;
  declare organisationId: string;
  declare name: string;
  declare body: string;
  declare locale: TemplateLocale;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MessageTemplate.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        organisationId: { type: DataTypes.UUID, allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false, validate: { len: [1, 100] } },
        body: { type: DataTypes.TEXT, allowNull: false },
        locale: { type: DataTypes.STRING(5), allowNull: false, validate: { isIn: [[...templateLocales]] } },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "message_templates", underscored: true },
    );
  }
}
