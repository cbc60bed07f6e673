import crypto from "node:crypto";
import type { Transform } from "node:stream";
import { expect } from "chai";
import {
  RECORD_SIZE,
  coalesce,
  createAttachmentDecryptor,
  createAttachmentEncryptor,
  createChunkEncryptor,
  createStructureCheck,
  encodeHeader,
  encryptedAttachmentSize,
} from "../../../backend/src/services/attachments/streamCrypto.js";

async function run(t: Transform, input: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  t.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    t.on("end", resolve);
    t.on("error", reject);
  });
  for (const c of input) t.write(c);
  t.end();
  await done;
  return Buffer.concat(out);
}

describe("attachment chunk encryption (resumable uploads)", () => {
  const cek = crypto.randomBytes(32);
  const id = crypto.randomUUID();
  const prefix = crypto.randomBytes(7);

  for (const size of [0, 1, RECORD_SIZE, 3 * RECORD_SIZE, 3 * RECORD_SIZE + 5, 7 * RECORD_SIZE - 1]) {
    it(`chunks joined behind the header equal the single-stream encryption (${size} bytes)`, async () => {
      const data = crypto.randomBytes(size);
      const single = await run(createAttachmentEncryptor(cek, id, { noncePrefix: prefix }), [
        data.subarray(0, 1000),
        data.subarray(1000),
      ]);
      const chunkSize = 2 * RECORD_SIZE;
      const count = Math.max(1, Math.ceil(size / chunkSize));
      const parts = [encodeHeader(prefix)];
      for (let n = 0; n < count; n++) {
        const chunk = data.subarray(n * chunkSize, Math.min(size, (n + 1) * chunkSize));
        parts.push(
          await run(createChunkEncryptor(cek, id, prefix, (n * chunkSize) / RECORD_SIZE, n === count - 1), [chunk]),
        );
      }
      const joined = Buffer.concat(parts);
      expect(joined.length).to.equal(encryptedAttachmentSize(size));
      expect(joined.equals(single)).to.equal(true);
      expect((await run(createAttachmentDecryptor(cek, id), [joined])).equals(data)).to.equal(true);
    });
  }

  it("a non-final chunk must hold whole records", async () => {
    let error: Error | null = null;
    try {
      await run(createChunkEncryptor(cek, id, prefix, 0, false), [crypto.randomBytes(RECORD_SIZE + 1)]);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/whole records/);
  });

  it("the structure check accepts exactly the declared size and rejects bad headers, short and long streams", async () => {
    const cipher = await run(createAttachmentEncryptor(cek, id), [crypto.randomBytes(100_000)]);
    expect((await run(createStructureCheck(100_000), [cipher])).equals(cipher)).to.equal(true);
    const fails = async (declared: number, data: Buffer) => {
      try {
        await run(createStructureCheck(declared), [data]);
        return false;
      } catch {
        return true;
      }
    };
    expect(await fails(100_001, cipher)).to.equal(true);
    expect(await fails(99_999, cipher)).to.equal(true);
    const bad = Buffer.from(cipher);
    bad[4] = 9;
    expect(await fails(100_000, bad)).to.equal(true);
  });

  it("coalesce joins small chunks without changing the bytes", async () => {
    const pieces = Array.from({ length: 100 }, () => crypto.randomBytes(crypto.randomInt(1, 40_000)));
    expect((await run(coalesce(64 * 1024), pieces)).equals(Buffer.concat(pieces))).to.equal(true);
  });
});
