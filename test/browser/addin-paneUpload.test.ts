// Files picked in the task pane go in encrypted chunks (resumable upload); see
// test/support/paneLargeFile.ts. A 20 MiB file: three chunks, the last one short; the 200 MiB
// run with the memory bound is test/slow/addin-pane-200mb.test.ts.
import { describePaneUpload, MiB } from "../support/paneLargeFile.js";

describePaneUpload("Outlook add-in: a 20 MiB file picked in the pane goes in encrypted chunks (browser)", {
  size: 20 * MiB + 12_345,
  memoryBound: null,
  timeout: 120_000,
});
