import crypto from "node:crypto";
import { expect } from "chai";
import { ConfigError, env, loadEnv, setEnv } from "../../backend/src/env.js";
import { blobStore, checkBlobStoreConfig, closeBlobStores } from "../../backend/src/services/blobs/index.js";
import { parseS3Config } from "../../backend/src/services/blobs/s3BlobStore.js";
import { FileBlobStore } from "../../backend/src/services/blobs/fileBlobStore.js";

// The S3 client warns about Node 20 once per process; not what this test is about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

describe("blob store configuration (BLOB_STORE, BLOB_STORE_<REGION>)", () => {
  const key = crypto.randomBytes(32).toString("base64");
  const de = "s3://kuvert-de/kuvert?endpoint=http://127.0.0.1:9000&region=eu-central-1&forcePathStyle=true";

  it("reads one store per region; regions without one use BLOB_STORE (the filesystem by default)", () => {
    const e = loadEnv({ MASTER_KEY: key, VAR_DIR: "/tmp/kuvert-config-test", BLOB_STORE_DE: de });
    expect(e.BLOB_STORES).to.deep.equal({ de });
    expect(e.BLOB_STORE).to.equal("file:/tmp/kuvert-config-test/blobs");
    const before = env();
    setEnv(e);
    try {
      expect(blobStore().storeFor("de").config).to.equal(de);
      expect(blobStore().storeFor("se").config).to.equal(e.BLOB_STORE);
      expect(blobStore().storeFor("se").store).to.be.instanceOf(FileBlobStore);
      expect(blobStore().gathersWritesIn("de")).to.equal(true);
      expect(blobStore().gathersWritesIn("se")).to.equal(false);
      expect(blobStore().stores()).to.have.length(2);
    } finally {
      closeBlobStores();
      setEnv(before);
    }
  });

  it("names a bad store value or an unknown region, and refuses credentials and unknown options in the URL", () => {
    expect(() => loadEnv({ MASTER_KEY: key, BLOB_STORE_DE: "ftp://host/x" })).to.throw(ConfigError, /BLOB_STORE_DE/);
    expect(() => loadEnv({ MASTER_KEY: key, BLOB_STORE: "s3://" })).to.throw(ConfigError, /BLOB_STORE /);
    // Credentials belong in the AWS chain, never in the URL.
    expect(() => loadEnv({ MASTER_KEY: key, BLOB_STORE_DE: "s3://AKIA:secret@kuvert-de?region=x" })).to.throw(
      ConfigError,
      /BLOB_STORE_DE/,
    );
    expect(() => parseS3Config("s3://AKIA:secret@kuvert-de?region=x")).to.throw(/no credentials/);
    const before = env();
    for (const [variable, value, problem] of [
      ["BLOB_STORE_FR", de, /BLOB_STORE_FR names no storage region/],
      [
        "BLOB_STORE_SE",
        "s3://kuvert-se?endpoint=http://127.0.0.1:9000&acl=public-read",
        /unknown S3 blob store option "acl"/,
      ],
      ["BLOB_STORE_SE", "s3://kuvert-se?partSize=4", /partSize/],
    ] as const) {
      setEnv(loadEnv({ MASTER_KEY: key, [variable]: value }));
      try {
        expect(() => checkBlobStoreConfig(), variable).to.throw(ConfigError, problem);
      } finally {
        setEnv(before);
      }
    }
  });

  it("parses bucket, prefix and client options", () => {
    const o = parseS3Config(de);
    expect(o).to.deep.include({ bucket: "kuvert-de", prefix: "kuvert/", partSize: 5 * 1024 * 1024, queueSize: 1 });
    expect(o.client).to.deep.include({
      endpoint: "http://127.0.0.1:9000",
      region: "eu-central-1",
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_SUPPORTED",
    });
    const aws = parseS3Config("s3://kuvert-se?checksums=when_required&partSize=16&queueSize=4");
    expect(aws).to.deep.include({ prefix: "", partSize: 16 * 1024 * 1024, queueSize: 4 });
    expect(aws.client).to.not.have.property("endpoint");
    expect(aws.client.requestChecksumCalculation).to.equal("WHEN_REQUIRED");
  });
});
