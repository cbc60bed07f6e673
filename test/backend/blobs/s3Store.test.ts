import crypto from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { createOrganisation } from "../../../backend/src/commands/createOrganisation.js";
import { BlobDeletion } from "../../../backend/src/models/BlobDeletion.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import type { Region } from "../../../backend/src/models/Organisation.js";
import { blobStore, BlobNotFoundError } from "../../../backend/src/services/blobs/index.js";
import { ORPHAN_BLOB_GRACE_MS, reapBlobs, sweepOrphanBlobs } from "../../../backend/src/jobs/blobReaper.js";
import { clock } from "../../../backend/src/services/clock.js";
import { advanceClock } from "../../support/clock.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import type { ApiClient } from "../../support/server.js";
import { authHeaders, pseudoRandomBytes, pseudoRandomStream, sendDraft } from "../../support/attachments.js";
import { startCuttableProxy, startS3, useBlobStores, type TestS3 } from "../../support/s3.js";

const MiB = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/**
 * A source that sends `good` bytes and then fails, as a client that goes away mid-upload; with
 * `failWhen`, it fails only once that holds (polled, with a deadline).
 */
function failingAfter(good: number, failWhen: () => boolean = () => true): Readable {
  const data = pseudoRandomBytes(good, "cut");
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        for (let i = 0; i < data.length; i += 256 * 1024) this.push(data.subarray(i, i + 256 * 1024));
        return;
      }
      const deadline = Date.now() + 20_000;
      const poll = () => {
        if (failWhen() || Date.now() > deadline) this.destroy(new Error("client went away"));
        else setTimeout(poll, 10);
      };
      poll();
    },
  });
}

async function orgUser(region: Region) {
  const organisation = await transaction((t) =>
    createOrganisation(t, { name: `Org ${crypto.randomBytes(4).toString("hex")}`, region }),
  );
  return buildUser({ organisation });
}

async function uploadAttachment(api: ApiClient, data: Buffer): Promise<{ draftId: string; attachmentId: string }> {
  const draft = await api.post("/api/messages/drafts", {});
  expect(draft.status, draft.text).to.equal(201);
  const up = await api.request<{ id: string }>(
    "POST",
    `/api/messages/${draft.body.id}/attachments`,
    new Uint8Array(data),
    {
      "Content-Type": "application/pdf",
      "X-File-Name": "beslut.pdf",
    },
  );
  expect(up.status, up.text).to.equal(201);
  return { draftId: draft.body.id as string, attachmentId: up.body.id };
}

async function download(api: ApiClient, messageId: string, attachmentId: string): Promise<Buffer> {
  const res = await fetch(`${api.baseUrl}/api/messages/${messageId}/attachments/${attachmentId}`, {
    headers: authHeaders(api),
  });
  expect(res.status).to.equal(200);
  return Buffer.from(await res.arrayBuffer());
}

describe("blob store on S3-compatible storage (s3rver on loopback, the real AWS SDK)", function () {
  this.timeout(60_000);
  let s3: TestS3;
  let restore: () => void;

  before(async () => {
    s3 = await startS3(["kuvert-se", "kuvert-de"]);
  });
  beforeEach(() => {
    restore = useBlobStores({ se: s3.config("kuvert-se"), de: s3.config("kuvert-de") });
  });
  afterEach(() => restore());
  after(async () => {
    await s3.stop();
  });

  it("uploads, sizes, downloads and deletes a blob; a deleted blob is not found, and deleting again is fine", async () => {
    const data = crypto.randomBytes(200_000);
    const { key, size } = await blobStore().put("se", Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    expect(key).to.match(/^se\/[0-9a-f-]{36}$/);
    expect(size).to.equal(data.length);
    expect(await s3.keys("kuvert-se")).to.deep.equal([key]);
    expect(await blobStore().size(key)).to.equal(data.length);
    expect((await readAll(await blobStore().get(key))).equals(data)).to.equal(true);

    await blobStore().overwriteAndDelete(key);
    expect(await s3.keys("kuvert-se")).to.deep.equal([]);
    expect(await blobStore().size(key)).to.equal(null);
    let error: unknown = null;
    await blobStore()
      .get(key)
      .catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(BlobNotFoundError);
    await blobStore().overwriteAndDelete(key);
  });

  it("sends a blob larger than the part size as a multipart upload and streams it back byte for byte", async () => {
    const size = 12 * MiB + 12345;
    const sent = crypto.createHash("sha256");
    // Through a recording proxy, to see the multipart protocol on the wire.
    const proxy = await startCuttableProxy(s3.endpoint);
    const undo = useBlobStores({ de: s3.config("kuvert-de", proxy.endpoint) });
    let key: string;
    try {
      const source = pseudoRandomStream(size, "multipart", 256 * 1024).on("data", (c: Buffer) => sent.update(c));
      key = (await blobStore().put("de", source)).key;
    } finally {
      undo();
      await proxy.stop();
    }
    const object = `/kuvert-de/${key}`;
    // 5 MiB parts (the default): create, three parts, complete; never one PutObject of the whole.
    expect(proxy.requests.filter((r) => r.startsWith(`POST ${object}?uploads`))).to.have.length(1);
    expect(proxy.requests.filter((r) => r.startsWith(`PUT ${object}?`) && /partNumber=\d/.test(r))).to.have.length(3);
    expect(proxy.requests.filter((r) => r.startsWith(`POST ${object}?uploadId=`))).to.have.length(1);
    expect(proxy.requests).to.not.include(`PUT ${object}`);
    expect(await blobStore().size(key)).to.equal(size);
    const got = crypto.createHash("sha256");
    let bytes = 0;
    for await (const c of await blobStore().get(key)) {
      got.update(c as Buffer);
      bytes += (c as Buffer).length;
    }
    expect(bytes).to.equal(size);
    expect(got.digest("hex")).to.equal(sent.digest("hex"));
    await blobStore().overwriteAndDelete(key);
  });

  it("splits at the part size exactly (one PutObject up to it, parts past it), with several parts in flight and either checksum mode", async () => {
    for (const checksums of ["when_supported", "when_required"]) {
      const proxy = await startCuttableProxy(s3.endpoint);
      const undo = useBlobStores({
        se: `${s3.config("kuvert-se", proxy.endpoint)}&queueSize=3&checksums=${checksums}`,
      });
      try {
        for (const [size, parts] of [
          [0, 0],
          [5 * MiB, 0],
          [5 * MiB + 1, 2],
          [10 * MiB, 2],
          [21 * MiB + 7, 5],
        ] as const) {
          const label = `${size} bytes, ${checksums}`;
          const data = pseudoRandomBytes(size, `split-${size}`);
          const from = proxy.requests.length;
          // Odd-sized chunks, so that parts straddle them.
          const chunks = [];
          for (let i = 0; i < size; i += 300_001) chunks.push(data.subarray(i, i + 300_001));
          const { key, size: stored } = await blobStore().put("se", Readable.from(chunks));
          expect(stored, label).to.equal(size);
          const object = `/kuvert-se/${key}`;
          const requests = proxy.requests.slice(from);
          const partRequests = requests.filter((r) => r.startsWith(`PUT ${object}?`) && /partNumber=\d/.test(r));
          expect(partRequests, label).to.have.length(parts);
          const wholePuts = requests.filter(
            (r) => /^PUT [^?]*(\?x-id=PutObject)?$/.test(r) && r.startsWith(`PUT ${object}`),
          );
          expect(wholePuts, label).to.have.length(parts === 0 ? 1 : 0);
          expect((await readAll(await blobStore().get(key))).equals(data), label).to.equal(true);
          await blobStore().overwriteAndDelete(key);
        }
      } finally {
        undo();
        await proxy.stop();
      }
    }
  });

  it("leaves nothing readable when the upload is interrupted, before or after the first part went up", async () => {
    for (const good of [100_000, 6 * MiB]) {
      const proxy = await startCuttableProxy(s3.endpoint);
      const undo = useBlobStores({ se: s3.config("kuvert-se", proxy.endpoint) });
      let error: Error | null;
      try {
        error = await blobStore()
          .put(
            "se",
            good > 5 * MiB
              ? failingAfter(good, () => proxy.requests.some((r) => r.startsWith("PUT ") && r.includes("partNumber=1")))
              : failingAfter(good),
          )
          .then(
            () => null,
            (e: Error) => e,
          );
      } finally {
        undo();
        await proxy.stop();
      }
      expect(error?.message, `after ${good} bytes`).to.equal("client went away");
      expect(await s3.keys("kuvert-se"), `after ${good} bytes`).to.deep.equal([]);
      if (good > 5 * MiB) {
        // The first 5 MiB part went up; the multipart upload was then aborted, never completed.
        expect(proxy.requests.some((r) => /^PUT \/kuvert-se\/se\/.*partNumber=1/.test(r))).to.equal(true);
        expect(proxy.requests.some((r) => /^DELETE \/kuvert-se\/se\/.*uploadId=/.test(r))).to.equal(true);
        expect(proxy.requests.some((r) => /^POST \/kuvert-se\/se\/.*uploadId=/.test(r))).to.equal(false);
      } else {
        expect(proxy.requests.filter((r) => r.startsWith("PUT ") || r.startsWith("POST "))).to.deep.equal([]);
      }
    }
  });

  it("fails the upload, completing nothing, when a part fails with parts in flight", async () => {
    const proxy = await startCuttableProxy(s3.endpoint);
    const undo = useBlobStores({ se: `${s3.config("kuvert-se", proxy.endpoint)}&queueSize=2` });
    let error: unknown = null;
    try {
      proxy.allowPuts = 1;
      await blobStore()
        .put("se", pseudoRandomStream(16 * MiB, "part-fails", 256 * 1024))
        .catch((e: unknown) => (error = e));
    } finally {
      undo();
      await proxy.stop();
    }
    expect(error).to.be.instanceOf(Error);
    expect(proxy.requests.some((r) => /^PUT \/kuvert-se\/se\/.*partNumber=2/.test(r))).to.equal(true);
    expect(proxy.requests.some((r) => /^POST \/kuvert-se\/se\/.*uploadId=/.test(r))).to.equal(false);
    expect(proxy.requests.some((r) => /^DELETE \/kuvert-se\/se\/.*uploadId=/.test(r))).to.equal(true);
    expect(await s3.keys("kuvert-se")).to.deep.equal([]);
  });

  it("writes an organisation's attachments to its region's bucket and nowhere else; reads follow the row", async () => {
    const german = await orgUser("de");
    const swede = await orgUser("se");
    const recipient = await buildUser();
    const beforeDe = await s3.keys("kuvert-de");
    const beforeSe = await s3.keys("kuvert-se");
    const beforeFiles = await collect(
      blobStore()
        .storeFor("none")
        .store.listOlderThan(new Date(Date.now() + 60_000)),
    );
    const germanApi = await signIn(german);
    const swedeApi = await signIn(swede);
    const recipientApi = await signIn(recipient);

    const deData = pseudoRandomBytes(300_000, "de-attachment");
    const de = await uploadAttachment(germanApi, deData);
    const seData = pseudoRandomBytes(200_000, "se-attachment");
    const se = await uploadAttachment(swedeApi, seData);

    const deRow = (await Attachment.findByPk(de.attachmentId))!;
    const seRow = (await Attachment.findByPk(se.attachmentId))!;
    expect(deRow.blobKey).to.match(/^de\//);
    expect(seRow.blobKey).to.match(/^se\//);
    expect(await s3.keys("kuvert-de")).to.deep.equal([...beforeDe, deRow.blobKey].sort());
    expect(await s3.keys("kuvert-se")).to.deep.equal([...beforeSe, seRow.blobKey].sort());
    // Nothing landed in the filesystem store (the default for regions without their own store).
    const afterFiles = await collect(
      blobStore()
        .storeFor("none")
        .store.listOlderThan(new Date(Date.now() + 60_000)),
    );
    expect(afterFiles).to.deep.equal(beforeFiles);

    await sendDraft(germanApi, de.draftId, [recipient]);
    await sendDraft(swedeApi, se.draftId, [recipient]);
    expect((await download(recipientApi, de.draftId, de.attachmentId)).equals(deData)).to.equal(true);
    expect((await download(recipientApi, se.draftId, se.attachmentId)).equals(seData)).to.equal(true);
  });

  it("the reaper deletes shredded blobs on S3, and the orphan sweep removes unreferenced old objects there", async () => {
    const sender = await orgUser("se");
    const recipient = await buildUser();
    const senderApi = await signIn(sender);
    const recipientApi = await signIn(recipient);
    const { draftId, attachmentId } = await uploadAttachment(senderApi, pseudoRandomBytes(70_000, "reap"));
    await sendDraft(senderApi, draftId, [recipient]);
    const blobKey = (await Attachment.findByPk(attachmentId))!.blobKey;
    expect(await s3.keys("kuvert-se")).to.include(blobKey);

    await recipientApi.post("/api/mailbox/trash", { messageIds: [draftId] });
    await recipientApi.post("/api/mailbox/trash/empty", { messageIds: [draftId] });
    await senderApi.post("/api/mailbox/trash", { messageIds: [draftId] });
    const emptied = await senderApi.post("/api/mailbox/trash/empty", { messageIds: [draftId] });
    expect(emptied.body).to.include({ shredded: 1 });
    expect(await BlobDeletion.count({ where: { blobKey } })).to.equal(1);
    await reapBlobs();
    expect(await BlobDeletion.count({ where: { blobKey } })).to.equal(0);
    expect(await s3.keys("kuvert-se")).to.not.include(blobKey);

    const kept = await uploadAttachment(senderApi, pseudoRandomBytes(10_000, "kept"));
    const keptKey = (await Attachment.findByPk(kept.attachmentId))!.blobKey;
    const orphan = (await blobStore().put("de", Readable.from([crypto.randomBytes(5000)]))).key;
    await sweepOrphanBlobs(clock.now());
    expect(await s3.keys("kuvert-de"), "young orphans stay").to.include(orphan);
    advanceClock(ORPHAN_BLOB_GRACE_MS + 60_000);
    await sweepOrphanBlobs(clock.now());
    expect(await s3.keys("kuvert-de")).to.not.include(orphan);
    expect(await s3.keys("kuvert-se"), "a referenced blob stays").to.include(keptKey);
  });
});

async function collect(it: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of it) keys.push(b.key);
  return keys.sort();
}
