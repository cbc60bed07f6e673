import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

export const sessionStages = ["partial", "full"] as const;
export type SessionStage = (typeof sessionStages)[number];

/**
 * A server-side session. The cookie holds `<id>.<secret>`; only SHA-256(secret) is stored, so a
 * copy of the table cannot be replayed as cookies. See services/sessions.ts.
 */
export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: CreationOptional<string>;
  declare userId: string;
  declare secretHash: string;
  declare stage: SessionStage;
  declare ip: string | null;
  declare userAgent: string | null;
  /** The user's private key sealed under the session key (never the plain key). */
  declare privateKeySealed: CreationOptional<string | null>;
  declare lastSeenAt: Date;
  /** Absolute end of the session, fixed at creation. */
  declare expiresAt: Date;
  /** Idle timeout fixed at creation from the organisation's policy; null: SESSION_IDLE_TIMEOUT_SECONDS. */
  declare idleTimeoutSeconds: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Session.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false },
        secretHash: { type: DataTypes.STRING(64), allowNull: false },
        stage: { type: DataTypes.STRING(16), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        userAgent: { type: DataTypes.STRING(300), allowNull: true },
        privateKeySealed: { type: DataTypes.TEXT, allowNull: true },
        lastSeenAt: { type: DataTypes.DATE(3), allowNull: false },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
        idleTimeoutSeconds: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "sessions", underscored: true },
    );
  }
}
