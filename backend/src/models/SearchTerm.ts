import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from "sequelize";

/** One blind search term (a keyed hash of a word or prefix) of one message for one reader. */
export class SearchTerm extends Model<InferAttributes<SearchTerm>, InferCreationAttributes<SearchTerm>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare messageId: string;
  declare term: string;

  static initModel(sequelize: Sequelize): void {
    SearchTerm.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.UUID, allowNull: false },
        messageId: { type: DataTypes.UUID, allowNull: false },
        term: { type: DataTypes.STRING(32), allowNull: false },
      },
      { sequelize, tableName: "search_terms", underscored: true, timestamps: false },
    );
  }
}
