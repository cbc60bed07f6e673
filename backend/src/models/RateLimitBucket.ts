import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** A fixed-window counter shared by every instance (services/rateLimits.ts). */
export class RateLimitBucket extends Model<InferAttributes<RateLimitBucket>, InferCreationAttributes<RateLimitBucket>> {
  declare bucketKey: string;
  declare points: number;
  declare expiresAt: Date;

  static initModel(sequelize: Sequelize): void {
    RateLimitBucket.init(
      {
        bucketKey: { type: DataTypes.STRING(191), primaryKey: true },
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: "rate_limit_buckets", underscored: true, timestamps: false },
    );
  }
}
