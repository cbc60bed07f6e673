// Throughput of the attachment stream (format v1): encrypt + decrypt through the Node
// Transform streams vs a plain stream copy of the same bytes (two PassThroughs), same run.
// Usage: npx tsx bench/crypto-stream.ts [MiB per run, default 96, max 100]
import crypto from "node:crypto";
import { PassThrough, Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createAttachmentDecryptor, createAttachmentEncryptor } from "../backend/src/services/messageFormat/index.js";

const MiB = 1024 * 1024;
const total = Math.min(100, Math.max(1, Number(process.argv[2] ?? 96))) * MiB;
const chunk = crypto.randomBytes(MiB);

function source(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

function sink(counter: { bytes: number }): Writable {
  return new Writable({
    highWaterMark: MiB,
    write(c: Buffer, _e, cb) {
      counter.bytes += c.length;
      cb();
    },
  });
}

async function timed(
  label: string,
  stages: () => NodeJS.ReadWriteStream[],
): Promise<{ label: string; seconds: number; mibPerSecond: number; peakRssGrowthMiB: number }> {
  const counter = { bytes: 0 };
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  await pipeline([source(), ...stages(), sink(counter)]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  if (counter.bytes !== total) throw new Error(`${label}: ${counter.bytes} bytes out, expected ${total}`);
  return { label, seconds, mibPerSecond: total / MiB / seconds, peakRssGrowthMiB: (peak - rss0) / MiB };
}

/** A stream stage that copies every byte once (what any real re-buffering stage costs). */
function copying(): Transform {
  return new Transform({
    transform(c: Buffer, _e, cb) {
      cb(null, Buffer.from(c));
    },
  });
}

/** The ceiling: AES-256-GCM encrypt + decrypt of the same bytes in 64 KiB records, no streams. */
function rawGcm(): { seconds: number; mibPerSecond: number } {
  const key = crypto.randomBytes(32);
  const record = chunk.subarray(0, 65536);
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < total; done += record.length) {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", key, iv);
    const ct = Buffer.concat([c.update(record), c.final()]);
    const d = crypto.createDecipheriv("aes-256-gcm", key, iv);
    d.setAuthTag(c.getAuthTag());
    Buffer.concat([d.update(ct), d.final()]);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, mibPerSecond: total / MiB / seconds };
}

const cek = crypto.randomBytes(32);
const plain = await timed("plain stream", () => [new PassThrough(), new PassThrough()]);
const copy = await timed("copy stream", () => [copying(), copying()]);
const encrypted = await timed("encrypt+decrypt", () => [
  createAttachmentEncryptor(cek, "bench"),
  createAttachmentDecryptor(cek, "bench"),
]);
for (const r of [plain, copy, encrypted]) {
  console.log(
    `${r.label.padEnd(16)} ${(total / MiB).toFixed(0)} MiB in ${r.seconds.toFixed(3)} s = ${r.mibPerSecond.toFixed(0)} MiB/s, peak RSS growth ${r.peakRssGrowthMiB.toFixed(1)} MiB`,
  );
}
const raw = rawGcm();
console.log(
  `${"raw GCM loop".padEnd(16)} ${(total / MiB).toFixed(0)} MiB in ${raw.seconds.toFixed(3)} s = ${raw.mibPerSecond.toFixed(0)} MiB/s (no streams: the ceiling)`,
);
console.log(`ratio encrypt+decrypt / plain stream: ${(encrypted.mibPerSecond / plain.mibPerSecond).toFixed(3)}`);
console.log(`ratio encrypt+decrypt / copy stream:  ${(encrypted.mibPerSecond / copy.mibPerSecond).toFixed(3)}`);
console.log(`ratio encrypt+decrypt / raw GCM loop: ${(encrypted.mibPerSecond / raw.mibPerSecond).toFixed(3)}`);
