import crypto from "node:crypto";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { expect } from "chai";
import {
  createAttachmentDecryptor,
  createAttachmentEncryptor,
} from "../../../backend/src/services/messageFormat/index.js";
import { implementations, rejects as rejectsAny } from "./helpers.js";

/** The stream itself must refuse (not some unrelated failure of the test plumbing). */
async function rejects(p: Promise<unknown>): Promise<void> {
  const err = await rejectsAny(p);
  expect(err.message).to.match(/^attachment stream: /);
}

const HEADER = 16;
const RECORD = 65536 + 16;

function record(ct: Buffer, i: number): Buffer {
  return ct.subarray(HEADER + i * RECORD, Math.min(ct.length, HEADER + (i + 1) * RECORD));
}

describe("attachment streams reject tampering", () => {
  const cek = crypto.randomBytes(32);
  const plain = crypto.randomBytes(3 * 65536 + 1234); // four records, the last one short

  for (const impl of implementations) {
    describe(impl.name, () => {
      let ct: Buffer;
      before(async () => {
        ct = await impl.encrypt(cek, "att", plain);
      });

      it("round-trips, including empty and exactly-one-record files", async () => {
        expect((await impl.decrypt(cek, "att", ct)).equals(plain)).to.equal(true);
        for (const size of [0, 1, 65536, 131072]) {
          const p = crypto.randomBytes(size);
          expect((await impl.decrypt(cek, "att", await impl.encrypt(cek, "att", p))).equals(p)).to.equal(true);
        }
      });

      it("a flipped byte in any record, tag or header", async () => {
        for (const pos of [
          0,
          4,
          8,
          12,
          HEADER,
          HEADER + 100,
          HEADER + RECORD - 1,
          HEADER + 2 * RECORD + 5,
          ct.length - 1,
        ]) {
          const bad = Buffer.from(ct);
          bad[pos] ^= 0x01;
          await rejects(impl.decrypt(cek, "att", bad));
        }
      });

      it("truncation: last record dropped, cut inside a record, header only, nothing", async () => {
        await rejects(impl.decrypt(cek, "att", ct.subarray(0, HEADER + 3 * RECORD)));
        await rejects(impl.decrypt(cek, "att", ct.subarray(0, ct.length - 1)));
        await rejects(impl.decrypt(cek, "att", ct.subarray(0, HEADER + RECORD + 100)));
        await rejects(impl.decrypt(cek, "att", ct.subarray(0, HEADER)));
        await rejects(impl.decrypt(cek, "att", ct.subarray(0, 5)));
        await rejects(impl.decrypt(cek, "att", Buffer.alloc(0)));
      });

      it("reordered records", async () => {
        const swapped = Buffer.concat([
          ct.subarray(0, HEADER),
          record(ct, 1),
          record(ct, 0),
          record(ct, 2),
          record(ct, 3),
        ]);
        await rejects(impl.decrypt(cek, "att", swapped));
      });

      it("a record spliced in from another stream (same key, same position)", async () => {
        const other = await impl.encrypt(cek, "att", plain);
        const spliced = Buffer.concat([
          ct.subarray(0, HEADER),
          record(ct, 0),
          record(other, 1),
          record(ct, 2),
          record(ct, 3),
        ]);
        await rejects(impl.decrypt(cek, "att", spliced));
        // Another attachment of the same message (same CEK, other id) does not fit either.
        const sibling = await impl.encrypt(cek, "att2", plain);
        await rejects(
          impl.decrypt(
            cek,
            "att",
            Buffer.concat([ct.subarray(0, HEADER), record(sibling, 0), record(ct, 1), record(ct, 2), record(ct, 3)]),
          ),
        );
        // Whole stream under another attachment id or CEK.
        await rejects(impl.decrypt(cek, "att2", ct));
        await rejects(impl.decrypt(crypto.randomBytes(32), "att", ct));
      });

      it("anything appended after the last record", async () => {
        const other = await impl.encrypt(cek, "att", plain);
        await rejects(impl.decrypt(cek, "att", Buffer.concat([ct, record(ct, 3)])));
        await rejects(impl.decrypt(cek, "att", Buffer.concat([ct, record(other, 3)])));
        await rejects(impl.decrypt(cek, "att", Buffer.concat([ct, Buffer.alloc(1)])));
        await rejects(impl.decrypt(cek, "att", Buffer.concat([ct, Buffer.alloc(16)])));
      });

      it("a non-final record replayed as the final one, and a header with another record size", async () => {
        // Drop the real last record and the third: the second becomes last but was sealed as non-last.
        await rejects(impl.decrypt(cek, "att", Buffer.concat([ct.subarray(0, HEADER), record(ct, 0), record(ct, 1)])));
        const bad = Buffer.from(ct);
        bad.writeUInt32BE(32768, 5);
        await rejects(impl.decrypt(cek, "att", bad));
      });
    });
  }
});

describe("attachment streams keep memory flat (node)", () => {
  // RSS and arrayBuffers lag behind garbage collection by tens of MiB on a busy machine, so the
  // test measures what stays alive: buffers held after a full collection, sampled while streaming.
  v8.setFlagsFromString("--expose-gc");
  const collectGarbage = runInNewContext("gc") as () => void;
  const liveBufferBytes = () => {
    collectGarbage();
    return process.memoryUsage().arrayBuffers;
  };

  it("64 MiB through encryptor and decryptor keep under 16 MiB of buffers alive (a quarter of what passes), byte-identical output", async () => {
    const cek = crypto.randomBytes(32);
    const block = crypto.randomBytes(1024 * 1024 - 3); // odd size: records straddle chunks
    const total = 64;
    const expected = crypto.createHash("sha256");
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent++ === total) return void this.push(null);
        expected.update(block);
        this.push(block);
      },
    });
    const actual = crypto.createHash("sha256");
    let peak = 0;
    let written = 0;
    const live0 = liveBufferBytes();
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        actual.update(chunk);
        if (++written % 16 === 0) peak = Math.max(peak, liveBufferBytes() - live0);
        cb();
      },
    });
    await pipeline(source, createAttachmentEncryptor(cek, "big"), createAttachmentDecryptor(cek, "big"), sink);
    expect(actual.digest("hex")).to.equal(expected.digest("hex"));
    expect(written, "chunks sampled").to.be.above(32);
    expect(peak, "buffer bytes alive while streaming 64 MiB").to.be.below(16 * 1024 * 1024);
  });
});

describe("the add-in's record sealer (chunked uploads) makes the very stream of the whole file", () => {
  const web = import("../../../addin/src/crypto/index.js");
  const cek = crypto.randomBytes(32);
  const id = crypto.randomUUID();
  const prefix = crypto.randomBytes(7);

  for (const [size, recordsPerPiece] of [
    [0, 3],
    [1, 3],
    [65536, 1],
    [3 * 65536, 3],
    [6 * 65536, 3],
    [7 * 65536 + 5, 3],
    [2 * 128 * 65536 + 12345, 128],
  ] as const) {
    it(`${size} bytes in pieces of ${recordsPerPiece} records: byte-identical to the whole-stream encryptors; node decrypts it`, async () => {
      const w = await web;
      const plain = crypto.randomBytes(size);
      const sealer = await w.createRecordSealer(cek, id, { noncePrefix: prefix });
      const step = recordsPerPiece * 65536;
      const pieces = Math.max(1, Math.ceil(size / step));
      const parts: Uint8Array[] = [sealer.header];
      for (let n = 0; n < pieces; n++)
        parts.push(
          await sealer.sealRecords(plain.subarray(n * step, (n + 1) * step), n * recordsPerPiece, n === pieces - 1),
        );
      const chunked = Buffer.concat(parts);
      const [nodeImpl, webImpl] = implementations;
      expect(chunked.equals(await webImpl.encrypt(cek, id, plain, prefix))).to.equal(true);
      expect(chunked.equals(await nodeImpl.encrypt(cek, id, plain, prefix))).to.equal(true);
      expect((await nodeImpl.decrypt(cek, id, chunked)).equals(plain)).to.equal(true);
      // A retry re-encrypts the same piece to the same bytes (what the server asks of a resent chunk).
      expect(
        Buffer.from(await sealer.sealRecords(plain.subarray(0, Math.min(size, step)), 0, pieces === 1)).equals(
          Buffer.from(parts[1]),
        ),
      ).to.equal(true);
    });
  }

  it("refuses a non-final piece that ends mid-record", async () => {
    const w = await web;
    const sealer = await w.createRecordSealer(cek, id);
    const err = await rejectsAny(sealer.sealRecords(new Uint8Array(100), 0, false));
    expect(err.message).to.contain("mid-record");
  });
});
