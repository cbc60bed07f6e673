import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";
import type { Locale } from "./User.js";

/** What an invitation's row records; `expired` is derived from `tokenExpiresAt` (services/invitations). */
export const storedInvitationStatuses = ["pending", "accepted", "declined", "revoked"] as const;
export type StoredInvitationStatus = (typeof storedInvitationStatuses)[number];

/**
 * An admin's invitation into the organisation (F23). Only the SHA-256 of the link token is
 * stored; a resend replaces it (the old link stops working at once).
 */
export class Invitation extends Model<InferAttributes<Invitation>, InferCreationAttributes<Invitation>> {
  declare id: CreationOptional<string>;
  declare organisationId: string;
  /** The invited user row (status `invited`), or the free recipient account that moves in. */
  declare userId: string;
  declare invitedById: string | null;
  declare email: string;
  declare name: string | null;
  declare mobile: string;
  declare role: "admin" | "staff";
  declare locale: Locale;
  /** True when the e-mail already had a free recipient account, which moves in with its keys. */
  declare existingAccount: CreationOptional<boolean>;
  /** The Entra object id when the invitation came from the Microsoft 365 directory import. */
  declare directoryObjectId: CreationOptional<string | null>;
  declare status: CreationOptional<StoredInvitationStatus>;
  declare tokenHash: string;
  declare tokenExpiresAt: Date;
  declare verifiedAt: CreationOptional<Date | null>;
  declare verifySecretHash: CreationOptional<string | null>;
  declare verifyExpiresAt: CreationOptional<Date | null>;
  declare codeFailures: CreationOptional<number>;
  declare respondedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Invitation.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        organisationId: { type: DataTypes.UUID, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        invitedById: { type: DataTypes.UUID, allowNull: true },
        email: { type: DataTypes.STRING(320), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: true },
        mobile: { type: DataTypes.STRING(32), allowNull: false },
        role: { type: DataTypes.STRING(16), allowNull: false },
        locale: { type: DataTypes.STRING(8), allowNull: false },
        existingAccount: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        directoryObjectId: { type: DataTypes.STRING(36), allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "pending" },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false },
        tokenExpiresAt: { type: DataTypes.DATE(3), allowNull: false },
        verifiedAt: { type: DataTypes.DATE(3), allowNull: true },
        verifySecretHash: { type: DataTypes.STRING(64), allowNull: true },
        verifyExpiresAt: { type: DataTypes.DATE(3), allowNull: true },
        codeFailures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        respondedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "invitations", underscored: true },
    );
  }
}
