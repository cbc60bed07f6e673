import { expect } from "chai";
import { Attachment } from "../../backend/src/models/Attachment.js";
import { LARGE_ATTACHMENT_SIZE, describeLargeAttachmentRoundTrip } from "../support/largeAttachment.js";
import { startS3, useBlobStores, type TestS3 } from "../support/s3.js";

let s3: TestS3;

describeLargeAttachmentRoundTrip(
  "slow: a 500 MB attachment through the real server, stored on S3 (s3rver on loopback, multipart upload)",
  420_000,
  {
    label: "on S3",
    // The same ≤ 64 MB bound as on the filesystem (the default): the store copies the bytes into
    // queueSize + 1 part buffers of 5 MiB that it refills, so no part of the 500 MB stays and no
    // 5 MiB buffer per part is left for the allocator (lib-storage's Upload made one per part, and
    // measured 31 to 75 MB here).
    async setUp() {
      // s3rver runs in its own process: the budget is Kuvert's (server and client, as on the
      // filesystem, where the storage is the kernel's and its page cache is not counted either).
      s3 = await startS3(["kuvert-se"], { inChildProcess: true });
      const restore = useBlobStores({ se: s3.config("kuvert-se") });
      return async () => {
        restore();
        await s3.stop();
      };
    },
    async checkStored(attachmentId) {
      // The ciphertext sits in the bucket, not on the local filesystem.
      const row = (await Attachment.findByPk(attachmentId))!;
      expect(await s3.keys("kuvert-se")).to.include(row.blobKey);
      expect(row.ciphertextSize).to.be.greaterThan(LARGE_ATTACHMENT_SIZE);
    },
  },
);
