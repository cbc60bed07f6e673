import { Op } from "sequelize";
import { BlobDeletion } from "../models/BlobDeletion.js";
import { Attachment } from "../models/Attachment.js";
import { AttachmentUpload } from "../models/AttachmentUpload.js";
import { BlobMove } from "../models/BlobMove.js";
import { clock } from "../services/clock.js";
import { blobStore } from "../services/blobs/index.js";
import { logger } from "../logger.js";

/**
 * Overwrites and removes blobs scheduled by shredMessage, in whichever store holds the blob's
 * region (the filesystem or S3-compatible storage: services/blobs). Idempotent: a blob already gone
 * counts as done, so two instances racing on one row do no harm. Returns how many were removed.
 */
export async function reapBlobs(batch = 50): Promise<number> {
  const rows = await BlobDeletion.findAll({
    where: { attempts: { [Op.lt]: 20 } },
    order: [["id", "ASC"]],
    limit: batch,
  });
  return reapRows(rows);
}

/**
 * Reaps the scheduled deletions of these blobs now, for a caller that promised its user they are
 * gone (a deleted draft); what fails stays queued for the reaper.
 */
export async function reapBlobKeys(keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  return reapRows(await BlobDeletion.findAll({ where: { blobKey: { [Op.in]: keys } }, order: [["id", "ASC"]] }));
}

async function reapRows(rows: BlobDeletion[]): Promise<number> {
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

/**
 * How old an unreferenced blob must be before the orphan sweep removes it: a blob is written
 * before its row (attachment, upload chunk) commits, so a young one may still be claimed.
 */
export const ORPHAN_BLOB_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Blob keys some row still points to: attachments, upload chunks, pending deletions, and both
 * copies of a blob that org:move-region is moving (an interrupted move's verified copy waits
 * for the run that resumes it).
 */
async function referencedKeys(keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const attachments = await Attachment.findAll({ attributes: ["blobKey"], where: { blobKey: keys } });
  for (const a of attachments) found.add(a.blobKey);
  const deletions = await BlobDeletion.findAll({ attributes: ["blobKey"], where: { blobKey: keys } });
  for (const d of deletions) found.add(d.blobKey);
  const moving = await BlobMove.findAll({
    attributes: ["fromKey", "toKey"],
    where: { [Op.or]: [{ fromKey: keys }, { toKey: keys }] },
  });
  for (const m of moving) found.add(m.fromKey).add(m.toKey);
  // Upload chunks are a JSON list on the row; uploads in progress are few, so read them all.
  const uploads = await AttachmentUpload.findAll({ attributes: ["id", "chunks"] });
  const wanted = new Set(keys);
  for (const u of uploads) for (const k of u.chunkKeys()) if (k && wanted.has(k)) found.add(k);
  return found;
}

/**
 * Removes orphan blobs: blobs in the store that no attachment, upload or pending deletion
 * points to and that were last written more than `graceMs` before `now` — left behind when
 * the process died (or the transaction rolled back) between writing the blob and its row —
 * and the partial writes of uploads the process died in the middle of (the file store's
 * temporary files), last written as long ago. They are overwritten and deleted like shredded
 * ones. Returns how many were removed.
 */
export async function sweepOrphanBlobs(
  now = clock.now(),
  graceMs = ORPHAN_BLOB_GRACE_MS,
  batch = 500,
): Promise<number> {
  const before = new Date(now.getTime() - graceMs);
  let removed = 0;
  let keys: string[] = [];
  const flush = async () => {
    const referenced = await referencedKeys(keys);
    for (const key of keys) {
      if (referenced.has(key)) continue;
      try {
        await blobStore().overwriteAndDelete(key);
        removed += 1;
      } catch (err) {
        logger.warn({ blobKey: key, problem: (err as Error).message.slice(0, 200) }, "orphan blob removal failed");
      }
    }
    keys = [];
  };
  for await (const { key } of blobStore().listOlderThan(before)) {
    keys.push(key);
    if (keys.length >= batch) await flush();
  }
  if (keys.length) await flush();
  removed += (await blobStore().removeTemporariesOlderThan?.(before)) ?? 0;
  if (removed) logger.info({ removed }, "orphan blobs removed");
  return removed;
}
