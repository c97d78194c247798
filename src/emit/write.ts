/**
 * The one writer: puts emitted files under a workspace. It never deletes anything.
 * - In a folder it creates in this run (a new job), files are written directly: nobody can
 *   see them yet, and the manifest that lists the job is written last.
 * - In an existing folder, it compares before writing (an unchanged plan writes nothing) and
 *   replaces a file through a temporary file and a rename (no half-written script is visible).
 * `.sh` files are created executable. Chunked content (the manifest) is streamed, never held whole.
 * File-level code is in write-files.mjs, shared with the writer threads.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import { isDeferred, type Content, type EmittedFiles, type Made } from "./index.ts";
import { checkLastRecord, PrepareRecord, type RecordCheck } from "./record.ts";
import { Folders, recordLine, WriteError, writeOne } from "./write-files.mjs";

/** How many files were written and how many were left as they were (counts only: 100,000-job plans). */
export interface WriteReport {
  written: number;
  unchanged: number;
  /** The prepare record could not be written (the files are complete). */
  warning?: Diagnostic;
}

/** Writes one file (and records it when it has a digest); a failure becomes a diagnostic naming the file. */
function writeOneHere(folders: Folders, rel: string, content: Made, digest: string, record: PrepareRecord | undefined): "written" | "unchanged" {
  try {
    const done = writeOne(folders, rel, content);
    if (digest && record) record.add(recordLine(folders, rel, digest));
    return done;
  } catch (e) {
    if (e instanceof WriteError) throw writeFailed(e.path, e.why);
    throw e;
  }
}

function writeFailed(path: string, why: string): XpmError {
  return new XpmError({
    code: Codes.WRITE_FAILED,
    message: `cannot write ${path}: ${why}`,
    where: { file: path },
    hint: "check that the workspace folder is writable and the disk is not full",
  });
}

function makeRoot(root: string): void {
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    throw new XpmError({ code: Codes.WRITE_FAILED, message: `cannot create the workspace ${root}: ${(e as Error).message}`, where: { file: root }, hint: "check the path and its permissions" });
  }
}

/**
 * A job folder that must not be written to (done, or experimaestro's): asked only for a file that
 * would be written, so an unchanged plan looks at no job folder at all.
 */
export type Spared = (jobDir: string) => boolean;

/**
 * Deferred content: "unchanged" when the record shows the file is still what was written for
 * the same digest (nothing made, nothing read); "spared" when its job folder is left alone
 * (not counted); otherwise the content made, and its digest.
 */
function skipOrMake(rel: string, content: Content, record: PrepareRecord | undefined, spared: Spared | undefined): "unchanged" | "spared" | [Made, string] {
  const deferred = isDeferred(content);
  if (deferred && record?.fresh(rel, content.digest)) return "unchanged";
  if (spared && rel.startsWith("jobs/") && spared(rel.slice(0, rel.lastIndexOf("/")))) return "spared";
  return deferred ? [content.make(), content.digest] : [content, ""];
}

/** Writes `files` (workspace-relative paths) under `root`, in this thread; `record` is updated, not committed. */
export function writeFiles(root: string, files: EmittedFiles, record?: PrepareRecord, spared?: Spared): WriteReport {
  makeRoot(root);
  const folders = new Folders(root);
  const report: WriteReport = { written: 0, unchanged: 0 };
  for (const [rel, content] of files) {
    const todo = skipOrMake(rel, content, record, spared);
    if (todo === "spared") continue;
    report[todo === "unchanged" ? todo : writeOneHere(folders, rel, todo[0], todo[1], record)]++;
  }
  return report;
}

/** From this many jobs on, writer threads pay for their start-up (measured with `npm run bench`). */
export const THREADED_FROM_JOBS = 5000;
export const WRITER_THREADS = 4;

/**
 * Writes a prepared experiment: in this thread for small plans, with writer threads for large
 * ones. The experiment's prepare record (record.ts) lets files that are untouched since the
 * last prepare, for the same inputs, be skipped unmade; the new record replaces it once every
 * file is on disk (or is dropped on failure).
 */
export async function writeWorkspace(root: string, files: EmittedFiles, jobs: number, record: PrepareRecord, spared?: Spared): Promise<WriteReport> {
  try {
    const report = jobs >= THREADED_FROM_JOBS ? await writeFilesInParallel(root, files, WRITER_THREADS, record, spared) : writeFiles(root, files, record, spared);
    const warning = record.commit();
    if (warning) report.warning = warning;
    return report;
  } catch (e) {
    record.abandon();
    throw e;
  }
}

/** A batch of whole files (with their digests, "" for none) for a writer thread, and its answer. */
export type Batch = [rel: string, content: string | Buffer, digest: string][];
export type BatchAnswer = { written: number; unchanged: number; lines: string } | { failed: { path: string; why: string } };

const BATCH = 64;
const IN_FLIGHT = 4;

/**
 * Writes `files` under `root` with `threads` writer threads, while this thread goes on
 * producing content. Creating a file is kernel work that also waits on the file system; on
 * these machines four threads wrote a 100,000-job plan in about 0.6x the time of one (same
 * run, alternating), and this thread's rendering overlaps it. A folder's files always go to
 * the same thread (so "a folder this run created" stays exact); chunked content (the manifest)
 * is written here once every file before it is on disk, so it still comes last.
 */
export async function writeFilesInParallel(root: string, files: EmittedFiles, threads = WRITER_THREADS, record?: PrepareRecord, spared?: Spared): Promise<WriteReport> {
  makeRoot(root);
  const report: WriteReport = { written: 0, unchanged: 0 };
  const folders = new Folders(root);
  const writers = Array.from({ length: threads }, () => new Writer(root, record));
  try {
    const pending: Batch[] = writers.map(() => []);
    const flush = async (i: number) => {
      const batch = pending[i]!;
      if (!batch.length) return;
      pending[i] = [];
      // One writer's failure stops the others from being given more.
      const failed = writers.find((w) => w.failed);
      if (failed) await failed.drain();
      await writers[i]!.send(batch);
    };
    for (const [rel, original] of files) {
      const todo = skipOrMake(rel, original, record, spared);
      if (todo === "spared") continue;
      if (todo === "unchanged") {
        report.unchanged++;
        continue;
      }
      const [content, digest] = todo;
      if (typeof content !== "string" && !Buffer.isBuffer(content)) {
        await Promise.all(writers.map((_, i) => flush(i)));
        await Promise.all(writers.map((w) => w.drain()));
        report[writeOneHere(folders, rel, content, digest, record)]++;
        continue;
      }
      const i = spread(dirname(rel), threads);
      pending[i]!.push([rel, content, digest]);
      if (pending[i]!.length >= BATCH) await flush(i);
    }
    await Promise.all(writers.map((_, i) => flush(i)));
    for (const w of writers) {
      await w.drain();
      report.written += w.written;
      report.unchanged += w.unchanged;
    }
    return report;
  } catch (e) {
    // Let the batches already sent finish (no half-written file is left behind), then report.
    await Promise.all(writers.map((w) => w.settle()));
    throw e;
  } finally {
    await Promise.all(writers.map((w) => w.close()));
  }
}

/** A folder's thread: a string hash of its path. */
function spread(dir: string, threads: number): number {
  let h = 0;
  for (let i = 0; i < dir.length; i++) h = (h * 31 + dir.charCodeAt(i)) | 0;
  return (h >>> 0) % threads;
}

/** One writer thread, started with its first batch (an unchanged plan starts none), with at most IN_FLIGHT batches queued. */
class Writer {
  written = 0;
  unchanged = 0;
  private worker: Worker | undefined;
  private readonly sent: Promise<void>[] = [];
  private readonly waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private failure: XpmError | undefined;
  private readonly slots: (() => void)[] = [];

  constructor(
    private readonly root: string,
    private readonly record: PrepareRecord | undefined,
  ) {}

  private start(): Worker {
    // A writer holds one batch at a time: a small heap keeps four of them from adding ~100 MB.
    const worker = new Worker(new URL("./write-thread.mjs", import.meta.url), { workerData: { root: this.root }, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 } });
    worker.on("message", (answer: BatchAnswer) => {
      const w = this.waiting.shift()!;
      if ("failed" in answer) {
        this.failure ??= writeFailed(answer.failed.path, answer.failed.why);
        w.reject(this.failure);
      } else {
        this.written += answer.written;
        this.unchanged += answer.unchanged;
        if (answer.lines) this.record?.add(answer.lines);
        w.resolve();
      }
      this.slots.shift()?.();
    });
    worker.on("error", (e) => {
      this.failure ??= new XpmError({ code: Codes.WRITE_FAILED, message: `a writer thread failed: ${e.message}`, hint: "rerun; if it persists, report it" });
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
      for (const s of this.slots.splice(0)) s();
    });
    return worker;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues a batch; waits while IN_FLIGHT batches are unanswered. */
  async send(batch: Batch): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.waiting.length >= IN_FLIGHT && !this.failure) await new Promise<void>((r) => this.slots.push(r));
    if (this.failure) throw this.failure;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    done.catch(() => {});
    this.sent.push(done);
    (this.worker ??= this.start()).postMessage(batch);
  }

  /** Waits for every batch sent; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.sent.splice(0));
    if (this.failure) throw this.failure;
  }

  /** Waits for every batch sent, whatever its outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.sent);
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

/**
 * The writer and the prepare record behind one interface: made before compiling (the check of
 * the last record runs alongside evaluation), written once the files are emitted.
 */
export class WorkspaceWriter {
  private readonly check: RecordCheck;

  constructor(
    readonly root: string,
    readonly experimentId: string,
  ) {
    this.check = checkLastRecord(root, experimentId);
  }

  /** Stops the record check (the compile failed: nothing will be written). */
  cancel(): void {
    this.check.cancel();
  }

  async write(files: EmittedFiles, jobs: number, spared?: Spared): Promise<WriteReport> {
    return writeWorkspace(this.root, files, jobs, new PrepareRecord(this.root, this.experimentId, await this.check.lines), spared);
  }
}
