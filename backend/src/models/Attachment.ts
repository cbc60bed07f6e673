import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * An encrypted attachment: the ciphertext stream lives in the blob store under `blobKey`;
 * its name, type and plaintext size are inside the message's content JWE (S1).
 */
export class Attachment extends Model<InferAttributes<Attachment>, InferCreationAttributes<Attachment>> {
  declare id: CreationOptional<string>;
  declare messageId: string;
  declare position: CreationOptional<number>;
  declare blobKey: string;
  declare ciphertextSize: CreationOptional<number>;
  declare recordCount: CreationOptional<number>;
  /** Draft attachments: name/type/size encrypted under the message key (services/attachments/meta.ts). */
  declare meta: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Attachment.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        messageId: { type: DataTypes.UUID, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        blobKey: { type: DataTypes.STRING(200), allowNull: false },
        ciphertextSize: {
          type: DataTypes.BIGINT,
          allowNull: false,
          defaultValue: 0,
          get(this: Attachment) {
            return Number(this.getDataValue("ciphertextSize"));
          },
        },
        recordCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        meta: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "attachments", underscored: true },
    );
  }
}
