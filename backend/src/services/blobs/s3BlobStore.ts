import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertBlobKey, BlobNotFoundError, blobKeyPattern, newBlobKey, type BlobStore } from "./BlobStore.js";

const MiB = 1024 * 1024;

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every object key ("" or ending in "/"), for a bucket shared with other data. */
  prefix: string;
  client: S3ClientConfig;
  /** Multipart part size in bytes (S3's minimum is 5 MiB). */
  partSize: number;
  /** Parts uploaded at once; memory per upload is about partSize × (queueSize + 2). */
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

/** Counts the bytes that pass. */
function counter(): Transform & { bytes: () => number } {
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => bytes });
}

/**
 * Blobs as objects `<prefix><region>/<id>` in one S3 bucket (AWS S3 or any S3-compatible
 * service: MinIO, Ceph, Garage, a cloud provider's object storage). Uploads stream through
 * lib-storage's multipart Upload (one PutObject below the part size): memory stays at about
 * partSize × (queueSize + 2) whatever the blob's size, nothing is written to a local file, and
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
    const count = counter();
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: this.objectKey(key), Body: body },
      partSize: this.options.partSize,
      queueSize: this.options.queueSize,
      leavePartsOnError: false,
    });
    // A failing source destroys `body` with its error, so the upload rejects and aborts (no object).
    const feeding = pipeline(source, count, body).then(
      () => null,
      (err: Error) => err,
    );
    try {
      await upload.done();
    } catch (err) {
      source.destroy();
      body.destroy();
      throw (await feeding) ?? err;
    }
    const sourceError = await feeding;
    if (sourceError) {
      await this.overwriteAndDelete(key);
      throw sourceError;
    }
    return { key, size: count.bytes() };
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
