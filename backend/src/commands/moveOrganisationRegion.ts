import crypto from "node:crypto";
import { pipeline } from "node:stream";
import { Transform, type Readable } from "node:stream";
import { Op, literal } from "sequelize";
import { db, transaction } from "../db.js";
import { NotFoundError } from "../errors.js";
import { logger } from "../logger.js";
import { Attachment } from "../models/Attachment.js";
import { BlobMove } from "../models/BlobMove.js";
import { Organisation, type Region } from "../models/Organisation.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { blobStore } from "../services/blobs/index.js";

export interface RegionMoveResult {
  organisation: string;
  from: string;
  to: Region;
  /** Blobs moved in this run (copied, verified, switched and their old copy deleted). */
  moved: number;
  bytes: number;
  /** Blobs whose attachment went away or changed during the move (nothing to move). */
  skipped: number;
  /** Whether this run finished a move an earlier, interrupted run had begun. */
  resumed: boolean;
}

const PLAN_BATCH = 500;
const openStates = ["pending", "copied", "switched"] as const;

/** Counts and hashes what passes. */
function tap(): Transform & { digest: () => { size: number; sha256: string } } {
  const hash = crypto.createHash("sha256");
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => ({ size, sha256: hash.digest("hex") }) });
}

/** Size and SHA-256 of a stored blob, streamed (flat memory), or null when it is missing. */
async function fingerprint(key: string): Promise<{ size: number; sha256: string } | null> {
  if ((await blobStore().size(key)) === null) return null;
  const t = tap();
  const source = await blobStore().get(key);
  await new Promise<void>((resolve, reject) => pipeline(source, t, (err) => (err ? reject(err) : resolve())).resume());
  return t.digest();
}

/** Streams `fromKey` into `toKey` (same id, other region); returns the source's size and hash. */
async function copyBlob(fromKey: string, toKey: string): Promise<{ size: number; sha256: string }> {
  const [region, id] = toKey.split("/");
  const t = tap();
  let failure: Error | null = null;
  const source: Readable = await blobStore().get(fromKey);
  const out = pipeline(source, t, (err) => {
    if (err) failure = err;
  });
  try {
    await blobStore().put(region, out, { id });
  } catch (err) {
    throw failure ?? err;
  }
  if (failure) throw failure;
  return t.digest();
}

/** The organisation's attachments (of messages it sent) not yet in `to` and not being moved. */
async function planMoves(org: Organisation, to: Region): Promise<void> {
  const open = new Set(
    (
      await BlobMove.findAll({
        attributes: ["attachmentId"],
        where: { organisationId: org.id, state: [...openStates] },
      })
    ).map((m) => m.attachmentId),
  );
  const id = db().escape(org.id);
  const messagesOfOrg = literal(
    `(SELECT m.id FROM messages m LEFT JOIN users u ON u.id = m.sender_id ` +
      `WHERE m.organisation_id = ${id} OR u.organisation_id = ${id})`,
  );
  let after = "";
  for (;;) {
    const batch = await Attachment.findAll({
      attributes: ["id", "blobKey"],
      where: {
        id: { [Op.gt]: after },
        blobKey: { [Op.notLike]: `${to}/%` },
        messageId: { [Op.in]: messagesOfOrg },
      },
      order: [["id", "ASC"]],
      limit: PLAN_BATCH,
    });
    if (!batch.length) return;
    const rows = batch
      .filter((a) => !open.has(a.id))
      .map((a) => ({
        organisationId: org.id,
        attachmentId: a.id,
        fromKey: a.blobKey,
        toKey: `${to}/${a.blobKey.slice(a.blobKey.indexOf("/") + 1)}`,
        state: "pending" as const,
      }));
    if (rows.length) await BlobMove.bulkCreate(rows);
    after = batch[batch.length - 1].id;
  }
}

/**
 * Copies, verifies and switches one blob. The copy is checked against the source by size and
 * SHA-256 read back from the target; the row is switched only if the attachment still points to
 * the source (a message shredded meanwhile keeps its own deletion; the copy is removed).
 */
async function moveOne(move: BlobMove): Promise<"switched" | "skipped"> {
  const attachment = await Attachment.findByPk(move.attachmentId, { attributes: ["id", "blobKey"] });
  if (!attachment || attachment.blobKey !== move.fromKey) {
    await blobStore().overwriteAndDelete(move.toKey);
    await move.update({ state: "skipped" });
    return "skipped";
  }
  const copied =
    move.state === "copied" && move.size !== null && move.sha256 !== null
      ? { size: move.size, sha256: move.sha256 }
      : null;
  const target = copied ? await fingerprint(move.toKey) : null;
  if (!copied || !target || target.size !== copied.size || target.sha256 !== copied.sha256) {
    const source = await copyBlob(move.fromKey, move.toKey);
    const written = await fingerprint(move.toKey);
    if (!written || written.size !== source.size || written.sha256 !== source.sha256) {
      await blobStore().overwriteAndDelete(move.toKey);
      throw new Error(`the copy of attachment ${move.attachmentId} did not verify (size or SHA-256 differ)`);
    }
    await move.update({ state: "copied", size: source.size, sha256: source.sha256 });
  }
  const switched = await transaction(async (t) => {
    const [count] = await Attachment.update(
      { blobKey: move.toKey },
      { where: { id: move.attachmentId, blobKey: move.fromKey }, transaction: t },
    );
    if (count === 1) await move.update({ state: "switched" }, { transaction: t });
    return count === 1;
  });
  if (switched) return "switched";
  await blobStore().overwriteAndDelete(move.toKey);
  await move.update({ state: "skipped" });
  return "skipped";
}

/**
 * `kuvert org:move-region`: moves an organisation's attachment ciphertext to region `to`. The
 * organisation's region is switched first, so new attachments are written to `to` at once; then
 * every blob of the messages its members sent that is elsewhere is copied, verified (size and
 * SHA-256), switched on its row, and — once all are switched, so downloads that began before a
 * switch can finish — its old copy deleted. Each blob's state is kept in `blob_moves`: an
 * interrupted run is resumed by running the command again (idempotent); a run with nothing to do
 * changes nothing. Started and finished moves are audited.
 */
export async function moveOrganisationRegion(organisationId: string, to: Region): Promise<RegionMoveResult> {
  const { org, from } = await transaction(async (t) => {
    const org = await Organisation.findByPk(organisationId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!org) throw NotFoundError("No such organisation");
    const from = org.region;
    if (from !== to) {
      await org.update({ region: to }, { transaction: t });
      await recordAudit(t, {
        type: "organisation.region_move_started",
        organisationId: org.id,
        data: { from, to },
      });
    }
    return { org, from };
  });
  const resumed = (await BlobMove.count({ where: { organisationId: org.id, state: [...openStates] } })) > 0;

  // Unfinished copies towards another region (an earlier move changed its mind): drop them.
  for (const stale of await BlobMove.findAll({
    where: { organisationId: org.id, state: ["pending", "copied"], toKey: { [Op.notLike]: `${to}/%` } },
  })) {
    await blobStore().overwriteAndDelete(stale.toKey);
    await stale.destroy();
  }
  await planMoves(org, to);

  let skipped = 0;
  for (const move of await BlobMove.findAll({
    where: { organisationId: org.id, state: ["pending", "copied"] },
    order: [["id", "ASC"]],
  })) {
    if ((await moveOne(move)) === "skipped") skipped += 1;
  }

  let moved = 0;
  let bytes = 0;
  for (const move of await BlobMove.findAll({
    where: { organisationId: org.id, state: "switched" },
    order: [["id", "ASC"]],
  })) {
    await blobStore().overwriteAndDelete(move.fromKey);
    await move.update({ state: "done" });
    moved += 1;
    bytes += move.size ?? 0;
  }

  const finished = await BlobMove.count({ where: { organisationId: org.id } });
  if (from !== to || finished > 0) {
    await transaction(async (t) => {
      await recordAudit(t, {
        type: "organisation.region_moved",
        organisationId: org.id,
        data: { to, moved, bytes, skipped, resumed },
      });
      await BlobMove.destroy({ where: { organisationId: org.id, state: ["done", "skipped"] }, transaction: t });
    });
  }
  logger.info({ organisationId: org.id, to, moved, skipped, resumed }, "organisation region move finished");
  return { organisation: org.name, from, to, moved, bytes, skipped, resumed };
}
