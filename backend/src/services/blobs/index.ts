import { fileURLToPath } from "node:url";
import { env } from "../../env.js";
import type { BlobStore } from "./BlobStore.js";
import { FileBlobStore } from "./fileBlobStore.js";

export type { BlobStore } from "./BlobStore.js";
export { BlobNotFoundError } from "./BlobStore.js";

let store: { config: string; store: BlobStore } | undefined;

/** Builds a store from a BLOB_STORE value: `file:<dir>` (or a file:// URL). */
export function blobStoreFromConfig(config: string): BlobStore {
  if (config.startsWith("file://")) return new FileBlobStore(fileURLToPath(config));
  if (config.startsWith("file:")) return new FileBlobStore(config.slice("file:".length));
  throw new Error(`BLOB_STORE ${config.split(":")[0]}: is not supported yet (use file:<dir>)`);
}

/** The process-wide blob store named by BLOB_STORE. */
export function blobStore(): BlobStore {
  const config = env().BLOB_STORE;
  if (!store || store.config !== config) store = { config, store: blobStoreFromConfig(config) };
  return store.store;
}
