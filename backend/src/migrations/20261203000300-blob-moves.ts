import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * blob_moves: the state of each attachment blob while `kuvert org:move-region` copies an
 * organisation's ciphertext to another region (commands/moveOrganisationRegion.ts). One row per
 * blob (pending → copied → switched → done, or skipped), so an interrupted move resumes where it
 * stopped; finished rows are removed at the end of a complete run.
 */
export const blobMoves: Migration = {
  name: "20261203000300-blob-moves",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("blob_moves", {
      id: col.serial(),
      organisation_id: col.ref("organisations"),
      attachment_id: { ...col.id(), primaryKey: false },
      from_key: col.string(200),
      to_key: col.string(200),
      state: col.string(16),
      size: { type: DataTypes.BIGINT, allowNull: true },
      sha256: col.string(64, true),
      ...col.timestamps(),
    });
    await q.addIndex("blob_moves", ["organisation_id", "state"], { name: "blob_moves_organisation_state" });
  },
  async down({ context: q }) {
    await q.dropTable("blob_moves");
  },
};
