import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributeColumnOptions,
  type Sequelize,
} from "sequelize";
import type { Plan } from "./Organisation.js";
import { normaliseEmail, type Locale } from "#shared/accountNames.js";

/** `mailbox`: the identity of a shared mailbox (SharedMailbox.ts); it never signs in. */
export const roles = ["admin", "staff", "recipient", "mailbox"] as const;
export type Role = (typeof roles)[number];
export const userStatuses = ["active", "invited", "pending", "deactivated"] as const;
export type UserStatus = (typeof userStatuses)[number];
export { locales, normaliseEmail, type Locale } from "#shared/accountNames.js";

/** An e-mail address column: validated, stored normalised (users and contacts alike). */
export function emailAttribute(): ModelAttributeColumnOptions {
  return {
    type: DataTypes.STRING(320),
    allowNull: false,
    validate: { isEmail: true },
    set(this: Model, v: string) {
      this.setDataValue("email", normaliseEmail(v));
    },
  };
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<string>;
  declare organisationId: string | null;
  declare email: string;
  declare name: string | null;
  declare mobile: string | null;
  declare role: CreationOptional<Role>;
  declare status: CreationOptional<UserStatus>;
  declare plan: CreationOptional<Plan>;
  declare locale: CreationOptional<Locale>;
  /** Self-describing (algorithm and parameters inside); see services/passwords.ts. */
  declare passwordHash: CreationOptional<string | null>;
  /** Public JWK (JSON); the private key only wrapped (services/keys/userKeys.ts). Never present these. */
  declare publicKey: CreationOptional<string | null>;
  declare privateKeyPassword: CreationOptional<string | null>;
  declare privateKeyEscrow: CreationOptional<string | null>;
  declare keyCreatedAt: CreationOptional<Date | null>;
  /** Consecutive failed sign-in steps (password or second factor) since the last success or lock. */
  declare failedLoginCount: CreationOptional<number>;
  /** Locks since the last successful sign-in (drives the growing delay of temporary locks). */
  declare lockCount: CreationOptional<number>;
  /** Set while locked; with `lockUntil` null the lock holds until a password reset or unlock. */
  declare lockedAt: CreationOptional<Date | null>;
  declare lockUntil: CreationOptional<Date | null>;
  declare passwordChangedAt: CreationOptional<Date | null>;
  /** Microsoft sign-in: the Entra tenant and object id bound at the first sign-in (both or neither). */
  declare entraTenantId: CreationOptional<string | null>;
  declare entraObjectId: CreationOptional<string | null>;
  /** Microsoft 365 directory import: the person's Entra object id when they came from (or were matched in) the directory. */
  declare directoryObjectId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        organisationId: { type: DataTypes.UUID, allowNull: true },
        email: emailAttribute(),
        name: { type: DataTypes.STRING(200), allowNull: true },
        mobile: { type: DataTypes.STRING(32), allowNull: true },
        role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "staff" },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "active" },
        plan: { type: DataTypes.STRING(32), allowNull: false, defaultValue: "professional" },
        locale: { type: DataTypes.STRING(8), allowNull: false, defaultValue: "sv" },
        passwordHash: { type: DataTypes.STRING(255), allowNull: true },
        publicKey: { type: DataTypes.TEXT, allowNull: true },
        privateKeyPassword: { type: DataTypes.TEXT, allowNull: true },
        privateKeyEscrow: { type: DataTypes.TEXT, allowNull: true },
        keyCreatedAt: { type: DataTypes.DATE(3), allowNull: true },
        failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockedAt: { type: DataTypes.DATE(3), allowNull: true },
        lockUntil: { type: DataTypes.DATE(3), allowNull: true },
        passwordChangedAt: { type: DataTypes.DATE(3), allowNull: true },
        entraTenantId: { type: DataTypes.STRING(36), allowNull: true },
        entraObjectId: { type: DataTypes.STRING(36), allowNull: true },
        directoryObjectId: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "users", underscored: true },
    );
  }
}
