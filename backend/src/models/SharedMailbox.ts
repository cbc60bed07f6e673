import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * A shared (function) mailbox (F25). Its id is the id of its identity `users` row (role
 * `mailbox`, e-mail = the mailbox address, public key = the current key version's), through
 * which messages reach it like any reader. `keyVersion` is the current version of its key pair.
 */
export class SharedMailbox extends Model<InferAttributes<SharedMailbox>, InferCreationAttributes<SharedMailbox>> {
  declare id: string;
  declare organisationId: string;
  declare name: string;
  declare keyVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SharedMailbox.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true },
        organisationId: { type: DataTypes.UUID, allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        keyVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "shared_mailboxes", underscored: true },
    );
  }
}
