// @ts-check
/**
 * A writer thread (see writeFilesInParallel in write.ts): writes each batch it receives and
 * answers with counts and the prepare record's lines of files that have a digest, or with the
 * first failure (later batches are then refused).
 */
import { parentPort, workerData } from "node:worker_threads";
import { Folders, recordLine, WriteError, writeOne } from "./write-files.mjs";

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
const folders = new Folders(workerData.root);
let failed = false;
port.on("message", (/** @type {[string, string | Buffer, string][]} */ batch) => {
  if (failed) return port.postMessage({ failed: { path: "", why: "an earlier write failed" } });
  const answer = { written: 0, unchanged: 0, lines: "" };
  for (const [rel, content, digest] of batch) {
    try {
      // A Buffer arrives as a plain Uint8Array: view the same bytes as a Buffer again.
      answer[writeOne(folders, rel, typeof content === "string" ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength))]++;
      if (digest) answer.lines += recordLine(folders, rel, digest);
    } catch (e) {
      failed = true;
      return port.postMessage({ failed: e instanceof WriteError ? { path: e.path, why: e.why } : { path: rel, why: String(e) } });
    }
  }
  port.postMessage(answer);
});
