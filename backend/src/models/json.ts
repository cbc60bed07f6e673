import { DataTypes, type ModelAttributeColumnOptions, type Model } from "sequelize";

/**
 * A JSON value stored as TEXT. Portable across SQLite, MySQL and MariaDB (whose JSON type
 * comes back from mysql2 as a string).
 */
export function jsonColumn<T>(name: string, fallback: T, allowNull = true): ModelAttributeColumnOptions {
  return {
    type: DataTypes.TEXT,
    allowNull,
    get(this: Model) {
      const raw = this.getDataValue(name) as string | null;
      return raw == null ? fallback : (JSON.parse(raw) as T);
    },
    set(this: Model, value: T | null) {
      this.setDataValue(name, value == null ? null : JSON.stringify(value));
    },
  };
}
