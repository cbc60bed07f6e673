import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** A user's phone (primary or backup). `users.mobile` mirrors the primary one. */
export class Phone extends Model<InferAttributes<Phone>, InferCreationAttributes<Phone>> {
  declare id: CreationOptional<string>;
  declare userId: string;
  /** E.164, validated with libphonenumber-js. */
  declare e164: string;
  /** ISO 3166-1 alpha-2 region of the number, e.g. "SE". */
  declare countryCode: string;
  declare name: string;
  declare verifiedAt: CreationOptional<Date | null>;
  declare isPrimary: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Phone.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false },
        e164: { type: DataTypes.STRING(32), allowNull: false },
        countryCode: { type: DataTypes.STRING(2), allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        verifiedAt: { type: DataTypes.DATE(3), allowNull: true },
        isPrimary: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "phones", underscored: true },
    );
  }
}
