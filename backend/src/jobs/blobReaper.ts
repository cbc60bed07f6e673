import { Op } from "sequelize";
import { BlobDeletion } from "../models/BlobDeletion.js";
import { blobStore } from "../services/blobs/index.js";
import { logger } from "../logger.js";

/**
 * Overwrites and removes blobs scheduled by shredMessage. Idempotent: a blob already gone
 * counts as done, so two instances racing on one row do no harm. Returns how many were removed.
 */
export async function reapBlobs(batch = 50): Promise<number> {
  const rows = await BlobDeletion.findAll({
    where: { attempts: { [Op.lt]: 20 } },
    order: [["id", "ASC"]],
    limit: batch,
  });
  let removed = 0;
  for (const row of rows) {
    try {
      await blobStore().overwriteAndDelete(row.blobKey);
      await row.destroy();
      removed += 1;
    } catch (err) {
      await row.update({ attempts: row.attempts + 1, lastError: (err as Error).message.slice(0, 300) });
      logger.warn({ blobDeletionId: row.id }, "blob removal failed; will retry");
    }
  }
  return removed;
}
