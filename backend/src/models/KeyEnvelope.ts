import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** The message's content key wrapped (JWE, ECDH-ES+A256KW) to one reader's public key. */
export class KeyEnvelope extends Model<InferAttributes<KeyEnvelope>, InferCreationAttributes<KeyEnvelope>> {
  declare id: CreationOptional<number>;
  declare messageId: string;
  declare userId: string;
  declare jwe: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    KeyEnvelope.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        messageId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        jwe: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "key_envelopes", underscored: true, updatedAt: false },
    );
  }
}
