import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * One attachment blob being moved to another storage region (org:move-region):
 * pending → copied (the copy under `toKey` is verified: size and SHA-256) → switched (the
 * attachment row points to `toKey`) → done (the copy under `fromKey` is deleted); skipped when the
 * attachment went away or changed during the move (its copy is deleted).
 */
export const blobMoveStates = ["pending", "copied", "switched", "done", "skipped"] as const;
export type BlobMoveState = (typeof blobMoveStates)[number];

export class BlobMove extends Model<InferAttributes<BlobMove>, InferCreationAttributes<BlobMove>> {
  declare id: CreationOptional<number>;
  declare organisationId: string;
  declare attachmentId: string;
  declare fromKey: string;
  declare toKey: string;
  declare state: BlobMoveState;
  /** Ciphertext bytes and SHA-256 (hex) of the source, once copied. */
  declare size: CreationOptional<number | null>;
  declare sha256: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    BlobMove.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        organisationId: { type: DataTypes.UUID, allowNull: false },
        attachmentId: { type: DataTypes.UUID, allowNull: false },
        fromKey: { type: DataTypes.STRING(200), allowNull: false },
        toKey: { type: DataTypes.STRING(200), allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [blobMoveStates] } },
        size: {
          type: DataTypes.BIGINT,
          allowNull: true,
          get(this: BlobMove) {
            const v = this.getDataValue("size");
            return v === null || v === undefined ? null : Number(v);
          },
        },
        sha256: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "blob_moves", underscored: true },
    );
  }
}
