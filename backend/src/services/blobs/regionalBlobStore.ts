import type { Readable } from "node:stream";
import { blobKeyRegion, type BlobStore } from "./BlobStore.js";

export interface ConfiguredStore {
  /** The configuration value it was built from (BLOB_STORE or BLOB_STORE_<REGION>). */
  config: string;
  store: BlobStore;
}

/**
 * The blob store the application uses: each region's blobs go to that region's store
 * (BLOB_STORE_<REGION>), regions without one to the default (BLOB_STORE). A new blob is written
 * to the store of the region it is put in; an existing blob is read and deleted where its key
 * (`<region>/<id>`, kept on its row) says it is.
 */
export class RegionalBlobStore implements BlobStore {
  constructor(
    private readonly fallback: ConfiguredStore,
    private readonly regions: Record<string, ConfiguredStore>,
  ) {}

  /** The store that holds `region`'s blobs. */
  storeFor(region: string): ConfiguredStore {
    return this.regions[region] ?? this.fallback;
  }

  /** Whether `region`'s store batches writes itself (see BlobStore.gathersWrites). */
  gathersWritesIn(region: string): boolean {
    return this.storeFor(region).store.gathersWrites === true;
  }

  /** Each distinct store once (two regions may share one). */
  stores(): ConfiguredStore[] {
    const seen = new Map<string, ConfiguredStore>();
    for (const s of [this.fallback, ...Object.values(this.regions)]) if (!seen.has(s.config)) seen.set(s.config, s);
    return [...seen.values()];
  }

  put(region: string, source: Readable, options?: { id?: string }): Promise<{ key: string; size: number }> {
    return this.storeFor(region).store.put(region, source, options);
  }

  get(key: string): Promise<Readable> {
    return this.storeFor(blobKeyRegion(key)).store.get(key);
  }

  size(key: string): Promise<number | null> {
    return this.storeFor(blobKeyRegion(key)).store.size(key);
  }

  overwriteAndDelete(key: string): Promise<void> {
    return this.storeFor(blobKeyRegion(key)).store.overwriteAndDelete(key);
  }

  /**
   * Every store's old blobs, each listed once and only where its region is stored now: a blob a
   * store still holds for a region that has since moved to another store is not this
   * application's to sweep (an operator's copy), and deleting by key would reach the wrong store.
   */
  async *listOlderThan(before: Date): AsyncIterable<{ key: string; modifiedAt: Date }> {
    for (const s of this.stores()) {
      for await (const blob of s.store.listOlderThan(before)) {
        if (this.storeFor(blobKeyRegion(blob.key)).config === s.config) yield blob;
      }
    }
  }

  /** Every store's stale partial writes (they are this application's wherever they are). */
  async removeTemporariesOlderThan(before: Date): Promise<number> {
    let removed = 0;
    for (const s of this.stores()) removed += (await s.store.removeTemporariesOlderThan?.(before)) ?? 0;
    return removed;
  }
}
