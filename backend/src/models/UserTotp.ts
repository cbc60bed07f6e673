import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/**
 * A user's TOTP state. Secrets are sealed with seal("totp", secret, userId) (pending ones
 * with the AAD `${userId}:pending`). `lastStep` is the last accepted time step (replay guard).
 */
export class UserTotp extends Model<InferAttributes<UserTotp>, InferCreationAttributes<UserTotp>> {
  declare userId: string;
  declare secretSealed: CreationOptional<string | null>;
  declare pendingSecretSealed: CreationOptional<string | null>;
  declare enabled: CreationOptional<boolean>;
  declare enabledAt: CreationOptional<Date | null>;
  declare lastStep: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    UserTotp.init(
      {
        userId: { type: DataTypes.UUID, primaryKey: true },
        secretSealed: { type: DataTypes.TEXT, allowNull: true },
        pendingSecretSealed: { type: DataTypes.TEXT, allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        enabledAt: { type: DataTypes.DATE(3), allowNull: true },
        lastStep: {
          type: DataTypes.BIGINT,
          allowNull: true,
          get(this: UserTotp) {
            const raw = this.getDataValue("lastStep") as number | string | null;
            return raw == null ? null : Number(raw);
          },
        },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "user_totp", underscored: true },
    );
  }
}
