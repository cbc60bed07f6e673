// 200 MiB picked in the task pane with the page's memory sampled during the upload (CDP
// Runtime.getHeapUsage: JS heap + ArrayBuffer backing stores). Slow: 25 chunks encrypted in the
// page and stored, joined and overwritten on the server, then downloaded and decrypted again
// took 1–2 minutes on the shared 2-core machine. See test/support/paneLargeFile.ts.
import { describePaneUpload, MiB } from "../support/paneLargeFile.js";

describePaneUpload("slow: a 200 MiB file picked in the pane, bounded page memory (browser)", {
  size: 200 * MiB,
  // Measured peak growth 66 MiB (Chromium 156): one chunk's plaintext and records (8 MiB each)
  // are live at a time; the rest is garbage V8 collects once external memory grows by about
  // 64 MiB. The whole-file path held > 400 MiB (the ciphertext and its copy).
  memoryBound: 96 * MiB,
  timeout: 600_000,
});
