import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type CompletedPart,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { assertBlobKey, BlobNotFoundError, blobKeyPattern, newBlobKey, type BlobStore } from "./BlobStore.js";

const MiB = 1024 * 1024;
/** S3's limit on the parts of one multipart upload. */
const MAX_PARTS = 10_000;

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every object key ("" or ending in "/"), for a bucket shared with other data. */
  prefix: string;
  client: S3ClientConfig;
  /** Multipart part size in bytes (S3's minimum is 5 MiB). */
  partSize: number;
  /** Parts uploaded at once; memory per upload is partSize × (queueSize + 1), reused part to part. */
  queueSize: number;
}

/**
 * Parses `s3://bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true&partSize=5&queueSize=1
 * &checksums=when_required`. Credentials are never in the URL: the AWS SDK's standard chain finds
 * them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web identity, ECS or
 * EC2 instance roles).
 */
export function parseS3Config(config: string): S3StoreOptions {
  const url = new URL(config);
  if (url.protocol !== "s3:" || !url.hostname) throw new Error("an S3 blob store is s3://<bucket>?…");
  if (url.username || url.password) throw new Error("an S3 blob store takes no credentials in its URL");
  const q = url.searchParams;
  const known = ["endpoint", "region", "forcePathStyle", "partSize", "queueSize", "checksums"];
  for (const name of q.keys()) {
    if (!known.includes(name)) throw new Error(`unknown S3 blob store option "${name}" (known: ${known.join(", ")})`);
  }
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  const partMiB = Number(q.get("partSize") ?? "5");
  if (!Number.isInteger(partMiB) || partMiB < 5 || partMiB > 512) throw new Error("partSize is whole MiB, 5 to 512");
  const queueSize = Number(q.get("queueSize") ?? "1");
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 16) throw new Error("queueSize is 1 to 16");
  const checksums = q.get("checksums") ?? "when_supported";
  if (checksums !== "when_supported" && checksums !== "when_required")
    throw new Error("checksums is when_supported or when_required");
  const endpoint = q.get("endpoint");
  if (endpoint && !/^https?:\/\/[^/?#]+\/?$/.test(endpoint)) throw new Error("endpoint is http(s)://host[:port]");
  const forcePathStyle = q.get("forcePathStyle");
  if (forcePathStyle !== null && forcePathStyle !== "true" && forcePathStyle !== "false")
    throw new Error("forcePathStyle is true or false");
  const mode = checksums === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  return {
    bucket: url.hostname,
    prefix: prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix,
    partSize: partMiB * MiB,
    queueSize,
    client: {
      ...(endpoint ? { endpoint } : {}),
      ...(q.get("region") ? { region: q.get("region")! } : {}),
      forcePathStyle: forcePathStyle === "true",
      requestChecksumCalculation: mode,
      responseChecksumValidation: mode,
    },
  };
}

function notFound(err: unknown): boolean {
  if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return true;
  const name = (err as { name?: string } | null)?.name;
  return name === "NoSuchKey" || name === "NotFound";
}

/**
 * Blobs as objects `<prefix><region>/<id>` in one S3 bucket (AWS S3 or any S3-compatible
 * service: MinIO, Ceph, Garage, a cloud provider's object storage). Uploads stream as a multipart
 * upload (one PutObject below the part size) through partSize × (queueSize + 1) bytes of part
 * buffers that are refilled, whatever the blob's size; nothing is written to a local file, and
 * an object exists only once the upload completed; a failed upload is aborted. Downloads stream
 * the GetObject body. Deleting is DeleteObject: object storage cannot overwrite bytes in place,
 * so crypto-shredding rests on the destroyed key (docs/security.md), and the bucket should keep
 * no old versions (docs/operations.md).
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly gathersWrites = true;

  constructor(readonly options: S3StoreOptions) {
    this.client = new S3Client(options.client);
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.options.prefix + key;
  }

  async put(region: string, source: Readable, options: { id?: string } = {}): Promise<{ key: string; size: number }> {
    const key = newBlobKey(region, options.id);
    const target = { Bucket: this.options.bucket, Key: this.objectKey(key) };
    const { partSize, queueSize } = this.options;
    // The bytes are copied into at most queueSize + 1 part buffers that are refilled once their
    // UploadPart has finished: no new buffer per part (lib-storage's Upload concatenated each part
    // into a fresh 5 MiB buffer and left the allocator 500 MB of large garbage per 500 MB blob).
    const spare: Buffer[] = [];
    const inFlight = new Set<Promise<void>>();
    const parts: CompletedPart[] = [];
    let failure: { error: unknown } | undefined;
    let uploadId: string | undefined;
    let partNumber = 0;
    let size = 0;
    let current: Buffer = Buffer.allocUnsafeSlow(partSize);
    let filled = 0;

    const checksumMode = await this.client.config.requestChecksumCalculation();
    const sendPart = async (buffer: Buffer, length: number): Promise<void> => {
      uploadId ??= (
        await this.client.send(
          new CreateMultipartUploadCommand({
            ...target,
            ...(checksumMode === "WHEN_SUPPORTED" ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
          }),
        )
      ).UploadId;
      if (!uploadId) throw new Error("S3 CreateMultipartUpload returned no UploadId");
      partNumber += 1;
      if (partNumber > MAX_PARTS) throw new Error(`an S3 blob is at most ${MAX_PARTS} parts of ${partSize} bytes`);
      const PartNumber = partNumber;
      const task = this.client
        .send(new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: buffer.subarray(0, length) }))
        .then((res) => {
          if (!res.ETag) throw new Error(`S3 UploadPart ${PartNumber} returned no ETag`);
          parts.push({
            PartNumber,
            ETag: res.ETag,
            ...(res.ChecksumCRC32 ? { ChecksumCRC32: res.ChecksumCRC32 } : {}),
          });
          spare.push(buffer);
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      while (inFlight.size >= queueSize && !failure) await Promise.race(inFlight);
    };

    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          if (filled === partSize) {
            // More bytes follow a full buffer: it is a part of a multipart upload.
            await sendPart(current, filled);
            if (failure) throw failure.error;
            current = spare.pop() ?? Buffer.allocUnsafeSlow(partSize);
            filled = 0;
          }
          const n = chunk.copy(current, filled, offset, Math.min(chunk.length, offset + partSize - filled));
          filled += n;
          offset += n;
          size += n;
        }
      }
      if (partNumber === 0) {
        // The whole blob fits in one part: a single PutObject.
        await this.client.send(new PutObjectCommand({ ...target, Body: current.subarray(0, filled) }));
        return { key, size };
      }
      await sendPart(current, filled);
      while (inFlight.size > 0) await Promise.race(inFlight);
      if (failure) throw failure.error;
      parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
      await this.client.send(
        new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
      return { key, size };
    } catch (err) {
      // A failing source or part: nothing stays in the bucket (the object exists only once completed).
      source.destroy();
      await Promise.allSettled(inFlight);
      if (uploadId) {
        await this.client
          .send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      return res.Body as Readable;
    } catch (err) {
      if (notFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      return res.ContentLength ?? 0;
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async overwriteAndDelete(key: string): Promise<void> {
    // DeleteObject succeeds for a key that does not exist: idempotent, like the file store.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  async *listOlderThan(before: Date): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: this.options.prefix || undefined,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.options.prefix.length);
        if (!key || !blobKeyPattern.test(key) || !o.LastModified) continue;
        if (o.LastModified.getTime() < before.getTime()) yield { key, modifiedAt: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Closes the client's sockets (tests, the CLI). */
  destroy(): void {
    this.client.destroy();
  }
}
