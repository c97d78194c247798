/**
 * The prepare record: what the last `prepare` of an experiment wrote, so that an unchanged
 * re-prepare neither renders nor reads the files it would only find unchanged (the idea of
 * ninja's .ninja_log and git's index). It lives outside the reviewable tree, in
 * `<ws>/.xpm/prepared/<xp-id>`, one line per file: `<digest> <size> <ctime> <inode> <rel>`,
 * after a header naming a digest of this tool's own source (another version starts afresh).
 *
 * A file is skipped only when the digest of its inputs is the one recorded AND its size, ctime
 * and inode are those read just after it was last written or compared (record-check.mjs).
 * Any write, chmod, replacement or deletion changes them — ctime cannot be set back by users,
 * unlike mtime — so such a file is made and compared as it would be without a record. A file
 * changed at or after the record's own time is not trusted either (git's "racily clean" rule).
 * A missing, unreadable or foreign record is ignored: the record can only save work.
 */
import { hash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { Codes, type Diagnostic } from "../model/diagnostics.ts";
import { checkRecord, relStart } from "./record-check.mjs";

const HEADER = "experimaestro-ts prepare record 1";

/**
 * A digest of what turns a plan into files — src/, templates/, package.json and, in a clone,
 * package-lock.json (the versions of Handlebars and the rest) — computed once per process.
 */
let toolDigestCache: string | undefined;
export function toolDigest(): string {
  if (toolDigestCache) return toolDigestCache;
  const root = new URL("../../", import.meta.url);
  const parts: string[] = [];
  const walk = (dir: URL, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
      else parts.push(`${rel}${e.name}\0${hash("sha1", readFileSync(new URL(e.name, dir)))}`);
    }
  };
  walk(new URL("src/", root), "src/");
  walk(new URL("templates/", root), "templates/");
  parts.push(readFileSync(new URL("package.json", root), "utf8"));
  try {
    parts.push(hash("sha1", readFileSync(new URL("package-lock.json", root))));
  } catch {
    // Installed as a dependency: the lock file is the project's, not ours.
  }
  toolDigestCache = hash("sha1", parts.join("\n"));
  return toolDigestCache;
}

/** The record's place in a workspace. */
export function recordPath(root: string, experimentId: string): string {
  return join(root, ".xpm", "prepared", experimentId);
}

function header(): string {
  return `${HEADER} ${toolDigest()}`;
}

/** The lines of the last record whose files are untouched, being read (see record-check.mjs). */
export interface RecordCheck {
  lines: Promise<string>;
  /** Stops a check whose result is no longer wanted (a compile error). */
  cancel(): void;
}

/** From this record size on (~8,000 files), the check runs in a worker thread, alongside evaluation. */
const CHECK_IN_THREAD_FROM_BYTES = 1 << 20;

/** Starts checking the last record of `experimentId` under `root` against the disk. */
export function checkLastRecord(root: string, experimentId: string): RecordCheck {
  const path = recordPath(root, experimentId);
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // No record yet, or something else in its place: compare everything.
  }
  if (size < CHECK_IN_THREAD_FROM_BYTES) {
    const lines = size ? checkRecord(root, path, header()) : "";
    return { lines: Promise.resolve(lines), cancel: () => {} };
  }
  const worker = new Worker(new URL("./record-check.mjs", import.meta.url), { workerData: { checkRecord: { root, path, header: header() } } });
  // The record can only save work: a failed check is an empty one.
  const lines = new Promise<string>((resolve) => {
    worker.once("message", resolve);
    worker.once("error", () => resolve(""));
    worker.once("exit", () => resolve(""));
  });
  return { lines, cancel: () => void worker.terminate() };
}

export class PrepareRecord {
  /** rel -> its whole line (digest, size, ctime, inode, rel, newline), for files found untouched. */
  private readonly old = new Map<string, string>();
  private fd: number | undefined;
  private buffered = "";
  private readonly path: string;
  private readonly tmp: string;

  /** The new record of `experimentId` under `root`, knowing the untouched files of the last one (`checkLastRecord`). */
  constructor(root: string, experimentId: string, untouched: string) {
    this.path = recordPath(root, experimentId);
    this.tmp = `${this.path}.tmp-${process.pid}`;
    for (let at = 0; at < untouched.length; ) {
      const end = untouched.indexOf("\n", at);
      this.old.set(untouched.slice(relStart(untouched, at, end), end), untouched.slice(at, end + 1));
      at = end + 1;
    }
  }

  /**
   * Whether `rel` is untouched since it was written or compared for inputs of `digest`; if so,
   * it stays in the new record as it was.
   */
  fresh(rel: string, digest: string): boolean {
    const was = this.old.get(rel);
    if (was === undefined || !was.startsWith(digest) || was.charCodeAt(digest.length) !== 32) return false;
    this.add(was);
    return true;
  }

  /** Appends lines (each `<digest> <size> <ctime> <inode> <rel>\n`) to the new record. */
  add(lines: string): void {
    if (this.problem !== undefined) return;
    this.buffered += lines;
    if (this.buffered.length > 65_536) this.flush();
  }

  /** Why the new record could not be written, if it could not (the prepare itself is not affected). */
  problem: string | undefined;

  private flush(): void {
    try {
      if (this.fd === undefined) {
        mkdirSync(join(this.path, ".."), { recursive: true });
        this.fd = openSync(this.tmp, "w");
        writeSync(this.fd, `${header()}\n`);
      }
      writeSync(this.fd, this.buffered);
    } catch (e) {
      this.problem = (e as Error).message;
      this.abandon();
    }
    this.buffered = "";
  }

  /**
   * Makes the new record the record (after every file is on disk). The record only saves work:
   * when it cannot be written, a warning says why, and the last record stays (still safe: any
   * file written since has a new ctime, so it vouches for nothing that changed).
   */
  commit(): Diagnostic | undefined {
    if (this.problem === undefined) this.flush();
    if (this.problem === undefined) {
      try {
        closeSync(this.fd!);
        this.fd = undefined;
        renameSync(this.tmp, this.path);
        return undefined;
      } catch (e) {
        this.problem = (e as Error).message;
        this.abandon();
      }
    }
    return {
      code: Codes.RECORD_UNWRITABLE,
      severity: "warning",
      message: `could not write the prepare record ${this.path}: ${this.problem}`,
      where: { file: this.path },
      hint: "the prepared files are complete; the next prepare will only be slower (it compares every file). Make the workspace's .xpm a writable folder",
    };
  }

  /** Drops the new record (a failed prepare): the old one stays, and stays safe to use. */
  abandon(): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
      rmSync(this.tmp, { force: true });
    } catch {
      // Nothing was made, or it cannot be removed: either way nothing else depends on it.
    }
    this.fd = undefined;
  }
}
