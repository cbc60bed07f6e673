import { DataTypes, type ModelAttributeColumnOptions, type QueryInterface } from "sequelize";

/** Column builders shared by migrations so SQLite and MySQL get the same portable types. */
export function columns(q: QueryInterface) {
  const mysql = q.sequelize.getDialect() !== "sqlite";
  return {
    id: (): ModelAttributeColumnOptions => ({ type: DataTypes.UUID, primaryKey: true, allowNull: false }),
    serial: (): ModelAttributeColumnOptions => ({
      type: DataTypes.BIGINT,
      primaryKey: true,
      autoIncrement: true,
      allowNull: false,
    }),
    ref: (table: string, onDelete: "CASCADE" | "SET NULL" | "RESTRICT" = "CASCADE", allowNull = false) => ({
      type: DataTypes.UUID,
      allowNull,
      references: { model: table, key: "id" },
      onDelete,
    }),
    string: (length = 255, allowNull = false): ModelAttributeColumnOptions => ({
      type: DataTypes.STRING(length),
      allowNull,
    }),
    /** LONGTEXT on MySQL (TEXT stops at 64 KiB), TEXT on SQLite. */
    text: (allowNull = true): ModelAttributeColumnOptions => ({
      type: mysql ? DataTypes.TEXT("long") : DataTypes.TEXT,
      allowNull,
    }),
    int: (defaultValue = 0): ModelAttributeColumnOptions => ({
      type: DataTypes.INTEGER,
      allowNull: false,
      defaultValue,
    }),
    bool: (defaultValue = false): ModelAttributeColumnOptions => ({
      type: DataTypes.BOOLEAN,
      allowNull: false,
      defaultValue,
    }),
    date: (allowNull = true): ModelAttributeColumnOptions => ({ type: DataTypes.DATE(3), allowNull }),
    timestamps: () => ({
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    }),
  };
}
