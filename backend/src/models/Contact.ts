import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";
import { emailAttribute } from "./User.js";

/** An address-book entry; `verified` (mobile confirmed by SMS) makes it a safe contact (F13). */
export class Contact extends Model<InferAttributes<Contact>, InferCreationAttributes<Contact>> {
  declare id: CreationOptional<string>;
  declare ownerId: string;
  declare email: string;
  declare name: string | null;
  declare mobile: string | null;
  declare verified: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Contact.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        ownerId: { type: DataTypes.UUID, allowNull: false },
        email: emailAttribute(),
        name: { type: DataTypes.STRING(200), allowNull: true },
        mobile: { type: DataTypes.STRING(32), allowNull: true },
        verified: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "contacts", underscored: true },
    );
  }
}
