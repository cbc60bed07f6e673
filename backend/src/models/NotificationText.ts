import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const notificationLocales = ["sv", "en"] as const;
export type NotificationLocale = (typeof notificationLocales)[number];

/**
 * An organisation's own notification texts in one language (issue 10). Every text is plain text;
 * null means the built-in default (services/notificationTexts/texts.ts).
 */
export class NotificationText extends Model<
  InferAttributes<NotificationText>,
  InferCreationAttributes<NotificationText>
> {
  declare id: CreationOptional<string>;
  declare organisationId: string;
  declare locale: NotificationLocale;
  declare senderName: string | null;
  declare intro: string | null;
  declare footer: string | null;
  declare smsRecipientCode: string | null;
  declare smsIdCheck: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    NotificationText.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        organisationId: { type: DataTypes.UUID, allowNull: false },
        locale: { type: DataTypes.STRING(5), allowNull: false, validate: { isIn: [[...notificationLocales]] } },
        senderName: { type: DataTypes.STRING(100), allowNull: true },
        intro: { type: DataTypes.TEXT, allowNull: true },
        footer: { type: DataTypes.TEXT, allowNull: true },
        smsRecipientCode: { type: DataTypes.TEXT, allowNull: true },
        smsIdCheck: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "notification_texts", underscored: true },
    );
  }
}

/** The organisation's logo for its notification e-mails: re-encoded PNG or JPEG, base64. */
export class NotificationLogo extends Model<
  InferAttributes<NotificationLogo>,
  InferCreationAttributes<NotificationLogo>
> {
  declare organisationId: string;
  declare contentType: "image/png" | "image/jpeg";
  declare data: string;
  declare sha256: string;
  declare width: number;
  declare height: number;
  declare byteSize: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    NotificationLogo.init(
      {
        organisationId: { type: DataTypes.UUID, primaryKey: true },
        contentType: { type: DataTypes.STRING(20), allowNull: false },
        data: { type: DataTypes.TEXT, allowNull: false },
        sha256: { type: DataTypes.STRING(64), allowNull: false },
        width: { type: DataTypes.INTEGER, allowNull: false },
        height: { type: DataTypes.INTEGER, allowNull: false },
        byteSize: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "notification_logos", underscored: true },
    );
  }
}
