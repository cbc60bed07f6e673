import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";
import { jsonColumn } from "./json.js";

export const regions = ["se", "de", "us"] as const;
export type Region = (typeof regions)[number];
export const plans = ["basic", "professional", "organisation"] as const;
export type Plan = (typeof plans)[number];

/** Org-wide policy; every field optional so new policies need no data migration. */
export interface OrgPolicy {
  zeroAccess?: boolean;
  /** Consecutive failed sign-in steps that lock an account (default 3, the product's rule). */
  lockoutThreshold?: number;
  /** "hard": locked until a password reset (default); "temporary": locked for a growing delay. */
  lockoutMode?: "hard" | "temporary";
  /** First delay of a temporary lock in seconds (default 300); doubles with each lock, capped at 24 h. */
  lockoutBaseDelaySeconds?: number;
  /**
   * Microsoft sign-in: whether Entra MFA (the access token's `amr` contains "mfa") stands in for
   * the Kuvert second factor of users who have one (default false; `kuvert org:microsoft --trust-mfa`).
   */
  entraMfaSatisfiesSecondFactor?: boolean;
  /** Sessions end after this many idle minutes (default: the operator's SESSION_IDLE_TIMEOUT_SECONDS). */
  sessionIdleMinutes?: number;
  /** Sessions end this many hours after sign-in at the latest (default: SESSION_ABSOLUTE_TIMEOUT_SECONDS). */
  sessionAbsoluteHours?: number;
  /** Staff and admins must turn on two-step verification (an authenticator app) before they can sign in fully. */
  requireSecondFactor?: boolean;
  /** Largest attachment in MB, at most the plan's (default: the plan's). */
  attachmentMaxMb?: number;
  [key: string]: unknown;
}

export class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare slug: string;
  declare region: CreationOptional<Region>;
  declare plan: CreationOptional<Plan>;
  declare policy: CreationOptional<OrgPolicy>;
  /** Entra ID tenant (directory) id for Microsoft sign-in (lower case); null = not connected. */
  declare entraTenantId: CreationOptional<string | null>;
  /** Microsoft 365 directory import: the Entra group last imported from, and when (commands/directoryImport.ts). */
  declare directoryGroupId: CreationOptional<string | null>;
  declare directoryImportedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Organisation.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        name: { type: DataTypes.STRING(200), allowNull: false, validate: { len: [1, 200] } },
        slug: { type: DataTypes.STRING(100), allowNull: false },
        region: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "se", validate: { isIn: [regions] } },
        plan: {
          type: DataTypes.STRING(32),
          allowNull: false,
          defaultValue: "organisation",
          validate: { isIn: [plans] },
        },
        policy: jsonColumn<OrgPolicy>("policy", {}),
        entraTenantId: { type: DataTypes.STRING(36), allowNull: true },
        directoryGroupId: { type: DataTypes.STRING(36), allowNull: true },
        directoryImportedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: "organisations", underscored: true },
    );
  }
}
