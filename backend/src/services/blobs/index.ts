import { fileURLToPath } from "node:url";
import { ConfigError, env } from "../../env.js";
import { regions } from "../../models/Organisation.js";
import type { BlobStore } from "./BlobStore.js";
import { FileBlobStore } from "./fileBlobStore.js";
import { RegionalBlobStore } from "./regionalBlobStore.js";
import { parseS3Config, S3BlobStore } from "./s3BlobStore.js";

export type { BlobStore } from "./BlobStore.js";
export { BlobNotFoundError, blobKeyRegion } from "./BlobStore.js";
export { RegionalBlobStore } from "./regionalBlobStore.js";

let current: { config: string; store: RegionalBlobStore } | undefined;

/**
 * Builds a store from a BLOB_STORE value: `file:<dir>` (or a file:// URL) for the filesystem,
 * `s3://bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true` for S3-compatible storage.
 */
export function blobStoreFromConfig(config: string): BlobStore {
  if (config.startsWith("file://")) return new FileBlobStore(fileURLToPath(config));
  if (config.startsWith("file:")) return new FileBlobStore(config.slice("file:".length));
  if (config.startsWith("s3://")) return new S3BlobStore(parseS3Config(config));
  throw new Error(`blob store ${config.split(":")[0]}: is not supported (use file:<dir> or s3://<bucket>?…)`);
}

function build(fallback: string, regions: Record<string, string>): RegionalBlobStore {
  const built = new Map<string, BlobStore>();
  const configured = (config: string) => {
    if (!built.has(config)) built.set(config, blobStoreFromConfig(config));
    return { config, store: built.get(config)! };
  };
  return new RegionalBlobStore(
    configured(fallback),
    Object.fromEntries(Object.entries(regions).map(([region, config]) => [region, configured(config)])),
  );
}

/**
 * The process-wide blob store: BLOB_STORE_<REGION> for each region that has one, BLOB_STORE
 * (default: `var/blobs` on the filesystem) for the rest.
 */
export function blobStore(): RegionalBlobStore {
  const e = env();
  const config = JSON.stringify([e.BLOB_STORE, e.BLOB_STORES]);
  if (!current || current.config !== config) {
    const previous = current;
    current = { config, store: build(e.BLOB_STORE, e.BLOB_STORES) };
    if (previous) closeStores(previous.store);
  }
  return current.store;
}

function closeStores(store: RegionalBlobStore): void {
  for (const s of store.stores()) if (s.store instanceof S3BlobStore) s.store.destroy();
}

/** Checks every configured blob store's settings (start-up): throws a ConfigError naming the bad one. */
export function checkBlobStoreConfig(): void {
  const e = env();
  for (const region of Object.keys(e.BLOB_STORES)) {
    if (!(regions as readonly string[]).includes(region))
      throw new ConfigError(
        `Configuration error: BLOB_STORE_${region.toUpperCase()} names no storage region (${regions.join(", ")})`,
      );
  }
  for (const [name, config] of [
    ["BLOB_STORE", e.BLOB_STORE],
    ...Object.entries(e.BLOB_STORES).map(([r, c]) => [`BLOB_STORE_${r.toUpperCase()}`, c]),
  ]) {
    try {
      if (config.startsWith("s3://")) parseS3Config(config);
      else blobStoreFromConfig(config);
    } catch (err) {
      throw new ConfigError(`Configuration error: ${name}: ${(err as Error).message}`);
    }
  }
}

/** Releases the S3 clients' sockets (the CLI and tests, before exit). */
export function closeBlobStores(): void {
  if (current) closeStores(current.store);
  current = undefined;
}
