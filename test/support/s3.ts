import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { env, setEnv } from "../../backend/src/env.js";
import { closeBlobStores } from "../../backend/src/services/blobs/index.js";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships no types; it is a real S3 protocol server (filesystem-backed) on loopback.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

/** s3rver's fixed credentials; the AWS SDK finds them in the environment (its standard chain). */
export const s3Credentials = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

export interface TestS3 {
  endpoint: string;
  port: number;
  /** The BLOB_STORE value for `bucket` on this server (or on `endpoint` when given, e.g. a proxy). */
  config(bucket: string, endpoint?: string): string;
  /** Every object key in `bucket`. */
  keys(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** s3rver in a child process (its memory then does not count in this process's RSS). */
async function s3rverProcess(options: Record<string, unknown>): Promise<{ port: number; close(): Promise<void> }> {
  const code =
    `const S3rver = require("s3rver");` +
    `new S3rver(${JSON.stringify(options)}).run().then((a) => console.log(JSON.stringify({ port: a.port })));`;
  const child = spawn(process.execPath, ["-e", code], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      if (buf.includes("\n")) resolve((JSON.parse(buf.slice(0, buf.indexOf("\n"))) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Starts s3rver on 127.0.0.1 (a free port) with `buckets`, in a temporary folder, and puts its
 * credentials in this process's environment for the AWS SDK. `inChildProcess`: run it in its own
 * process (the memory-bound tests measure Kuvert, not the storage server).
 */
export async function startS3(buckets: string[], opts: { inChildProcess?: boolean } = {}): Promise<TestS3> {
  Object.assign(process.env, s3Credentials, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-s3-"));
  const options = {
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  };
  let server: { close(): Promise<void> };
  let port: number;
  if (opts.inChildProcess) {
    const child = await s3rverProcess(options);
    server = child;
    port = child.port;
  } else {
    const inProcess = new S3rver(options);
    port = (await inProcess.run()).port;
    server = inProcess;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: "eu-north-1", forcePathStyle: true });
  return {
    endpoint,
    port,
    config: (bucket, via = endpoint) => `s3://${bucket}?endpoint=${via}&region=eu-north-1&forcePathStyle=true`,
    async keys(bucket) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) keys.push(o.Key!);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async stop() {
      closeBlobStores();
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Points the process's blob stores at `regions` (BLOB_STORE_<REGION>) until the returned undo. */
export function useBlobStores(regions: Record<string, string>, fallback?: string): () => void {
  const before = env();
  setEnv({ ...before, BLOB_STORES: regions, BLOB_STORE: fallback ?? before.BLOB_STORE });
  return () => {
    closeBlobStores();
    setEnv(before);
  };
}

/**
 * An HTTP proxy on loopback in front of `target` that can be cut: while `cut` is true it answers
 * every request with 503 (an object store outage), so a test can interrupt work at a chosen point.
 * `allowPuts` (when set) cuts automatically after that many object PUTs have gone through.
 */
export async function startCuttableProxy(target: string): Promise<{
  endpoint: string;
  cut: boolean;
  allowPuts: number | null;
  /** "METHOD /path?query" of every request that reached the proxy. */
  requests: string[];
  stop(): Promise<void>;
}> {
  const upstream = new URL(target);
  const state = { cut: false, allowPuts: null as number | null, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    if (req.method === "PUT" && state.allowPuts !== null) {
      if (state.allowPuts <= 0) state.cut = true;
      else state.allowPuts -= 1;
    }
    if (state.cut) {
      req.resume();
      res.writeHead(503, { "Content-Type": "application/xml" });
      res.end("<Error><Code>ServiceUnavailable</Code><Message>cut by the test</Message></Error>");
      return;
    }
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
