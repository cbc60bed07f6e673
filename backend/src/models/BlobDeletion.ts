import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** A blob whose content key is already destroyed and whose bytes must now be overwritten and removed. */
export class BlobDeletion extends Model<InferAttributes<BlobDeletion>, InferCreationAttributes<BlobDeletion>> {
  declare id: CreationOptional<number>;
  declare blobKey: string;
  declare attempts: CreationOptional<number>;
  declare lastError: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    BlobDeletion.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        blobKey: { type: DataTypes.STRING(200), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.STRING(300), allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "blob_deletions", underscored: true, updatedAt: false },
    );
  }
}
