import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { expect } from "chai";
import { Message } from "../../../backend/src/models/Message.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { AttachmentUpload } from "../../../backend/src/models/AttachmentUpload.js";
import { blobStore } from "../../../backend/src/services/blobs/index.js";
import { FileBlobStore } from "../../../backend/src/services/blobs/fileBlobStore.js";
import { ORPHAN_BLOB_GRACE_MS, sweepOrphanBlobs } from "../../../backend/src/jobs/blobReaper.js";
import { clock } from "../../../backend/src/services/clock.js";
import { advanceClock } from "../../support/clock.js";
import { buildUser } from "../../support/factories.js";

async function putBlob(): Promise<string> {
  return (await blobStore().put("se", Readable.from([crypto.randomBytes(5_000)]))).key;
}

describe("blob reaper: orphan blobs (a row that was never written)", () => {
  it("removes a blob no attachment or upload points to once the grace period has passed; referenced blobs stay", async () => {
    const sender = await buildUser();
    const message = await Message.create({
      senderId: sender.id,
      organisationId: null,
      parentId: null,
      content: null,
      expiresAt: null,
      state: "draft",
      threadId: crypto.randomUUID(),
    });
    const orphan = await putBlob();
    const attached = await putBlob();
    await Attachment.create({ messageId: message.id, blobKey: attached, ciphertextSize: 5_000, recordCount: 1 });
    const chunk = await putBlob();
    await AttachmentUpload.create({
      id: crypto.randomUUID(),
      messageId: message.id,
      meta: "m1.x.y",
      size: 10,
      chunkSize: 10,
      noncePrefix: crypto.randomBytes(8).toString("base64url"),
      chunks: JSON.stringify([chunk, null]),
    });

    // Within the grace period nothing goes: the row of a blob being written may not exist yet.
    await sweepOrphanBlobs(clock.now());
    expect(await blobStore().size(orphan)).to.equal(5_000);

    advanceClock(ORPHAN_BLOB_GRACE_MS + 60_000);
    await sweepOrphanBlobs(clock.now());
    expect(await blobStore().size(orphan), "the orphan is gone").to.equal(null);
    expect(await blobStore().size(attached), "an attachment's blob stays").to.equal(5_000);
    expect(await blobStore().size(chunk), "an upload's chunk stays").to.equal(5_000);
  });

  it("removes the temporary file of a write that never finished (a killed upload) after the grace period, nothing else", async () => {
    const store = blobStore()
      .stores()
      .map((s) => s.store)
      .find((s): s is FileBlobStore => s instanceof FileBlobStore);
    expect(store, "the test suite's blob store is the filesystem").to.not.equal(undefined);
    const dir = path.join(store!.root, "se");
    fs.mkdirSync(dir, { recursive: true });
    const old = new Date(clock.now().getTime() - ORPHAN_BLOB_GRACE_MS - 60_000);
    const file = (name: string, mtime: Date) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, crypto.randomBytes(3_000));
      fs.utimesSync(p, mtime, mtime);
      return p;
    };
    const stale = file(`.${crypto.randomUUID()}.${crypto.randomBytes(4).toString("hex")}.tmp`, old);
    const fresh = file(`.${crypto.randomUUID()}.${crypto.randomBytes(4).toString("hex")}.tmp`, clock.now());
    const other = file(`.${crypto.randomUUID()}.notes.tmp`, old); // not a name the store writes
    try {
      await sweepOrphanBlobs(clock.now());
      expect(fs.existsSync(stale), "the killed writer's partial file is gone").to.equal(false);
      expect(fs.existsSync(fresh), "a write that may still be running stays").to.equal(true);
      expect(fs.existsSync(other), "a file the store never writes is left alone").to.equal(true);
    } finally {
      for (const p of [stale, fresh, other]) fs.rmSync(p, { force: true });
    }
  });
});
