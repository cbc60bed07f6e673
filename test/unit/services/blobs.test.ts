import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { expect } from "chai";
import { FileBlobStore } from "../../../backend/src/services/blobs/fileBlobStore.js";
import { BlobNotFoundError } from "../../../backend/src/services/blobs/BlobStore.js";

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("FileBlobStore", () => {
  let root: string;
  let store: FileBlobStore;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-blobs-"));
    store = new FileBlobStore(root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("stores a stream under a region folder and reads it back", async () => {
    const data = Buffer.alloc(300_000, 7);
    const { key, size } = await store.put("se", Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]));
    expect(key).to.match(/^se\/[0-9a-f-]{36}$/);
    expect(size).to.equal(data.length);
    expect(fs.existsSync(path.join(root, key))).to.equal(true);
    expect((await readAll(await store.get(key))).equals(data)).to.equal(true);
    expect(fs.readdirSync(path.join(root, "se")).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
  });

  it("leaves no file behind when the source stream fails", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("client went away"));
      },
    });
    const before = fs.existsSync(path.join(root, "de")) ? fs.readdirSync(path.join(root, "de")).length : 0;
    let failed = false;
    try {
      await store.put("de", failing);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect(fs.readdirSync(path.join(root, "de")).length).to.equal(before);
  });

  it("overwrites and removes a blob; a second call is harmless", async () => {
    const { key } = await store.put("se", Readable.from([Buffer.from("ciphertext")]));
    await store.overwriteAndDelete(key);
    expect(fs.existsSync(path.join(root, key))).to.equal(false);
    await store.overwriteAndDelete(key);
    let err: unknown;
    try {
      await store.get(key);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BlobNotFoundError);
  });

  it("refuses keys that are not its own (path traversal)", async () => {
    for (const key of ["../etc/passwd", "se/../../x", "se/not-a-uuid"]) {
      let err: unknown;
      try {
        await store.get(key);
      } catch (e) {
        err = e;
      }
      expect(err, key).to.be.instanceOf(Error);
      expect(err).to.not.be.instanceOf(BlobNotFoundError);
    }
  });
});
