// @ts-check
/**
 * File-level writing, shared by the main thread (write.ts) and the writer threads
 * (write-thread.mjs). Plain JavaScript, checked by tsc through JSDoc: a worker thread does not
 * inherit the TypeScript loader, and loading it there costs ~24 MB per thread.
 * - In a folder this writer created (a new job), files are written directly.
 * - In an existing folder, a file is compared first (unchanged: not touched) and otherwise
 *   replaced through a temporary file and a rename, so no half-written script is ever visible.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { lineOf } from "./record-check.mjs";

/** @typedef {string | Buffer | { chunks: Iterable<string> }} Content */

/** A failed write: the file, and the system's reason. */
export class WriteError extends Error {
  /** @param {string} path @param {string} why */
  constructor(path, why) {
    super(`cannot write ${path}: ${why}`);
    this.path = path;
    this.why = why;
  }
}

/**
 * Folder -> whether this writer created it. Jobs come one after the other, so only recent
 * folders are remembered (a forgotten one is merely treated as existing: compare, then write).
 */
export class Folders {
  /** @param {string} root */
  constructor(root) {
    this.root = root;
    /** @type {Map<string, boolean>} */
    this.known = new Map([[root, false]]);
  }

  /**
   * Makes `dir` exist; true when this writer created it (so nobody else has files there).
   * @param {string} dir
   * @returns {boolean}
   */
  ensure(dir) {
    let created = this.known.get(dir);
    if (created === undefined) {
      const parent = dirname(dir);
      if (parent !== dir && !this.known.has(parent)) this.ensure(parent);
      try {
        mkdirSync(dir);
        created = true;
      } catch (e) {
        if (/** @type {NodeJS.ErrnoException} */ (e).code !== "EEXIST") throw e;
        created = false;
      }
      if (this.known.size >= 4096) this.known = new Map([[this.root, false]]);
      this.known.set(dir, created);
    }
    return created;
  }
}

/** @param {string} path @param {string | Buffer} content */
function sameContent(path, content) {
  try {
    const old = readFileSync(path);
    return typeof content === "string" ? old.length === Buffer.byteLength(content) && old.toString("utf8") === content : old.equals(content);
  } catch {
    return false;
  }
}

/** Whether two files hold the same bytes, read in blocks. @param {string} a @param {string} b */
function sameFiles(a, b) {
  /** @type {number | undefined} */ let fa;
  /** @type {number | undefined} */ let fb;
  try {
    fa = openSync(a, "r");
    fb = openSync(b, "r");
    const ba = Buffer.alloc(1 << 16);
    const bb = Buffer.alloc(1 << 16);
    for (;;) {
      const na = readSync(fa, ba);
      const nb = readSync(fb, bb);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } catch {
    return false;
  } finally {
    if (fa !== undefined) closeSync(fa);
    if (fb !== undefined) closeSync(fb);
  }
}

/** @param {string} path @param {Content} content @param {number} mode */
function writeContent(path, content, mode) {
  if (typeof content === "string" || Buffer.isBuffer(content)) {
    writeFileSync(path, content, { mode });
    return;
  }
  const fd = openSync(path, "w", mode);
  try {
    for (const chunk of content.chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes one file (workspace-relative `rel`, `.sh` files executable); throws WriteError.
 * @param {Folders} folders
 * @param {string} rel
 * @param {Content} content
 * @returns {"written" | "unchanged"}
 */
export function writeOne(folders, rel, content) {
  const path = join(folders.root, rel);
  const mode = rel.endsWith(".sh") ? 0o755 : 0o644;
  try {
    if (folders.ensure(dirname(path))) {
      writeContent(path, content, mode);
      return "written";
    }
    const whole = typeof content === "string" || Buffer.isBuffer(content);
    if (whole && sameContent(path, content)) return "unchanged";
    const tmp = `${path}.xpm-tmp-${process.pid}-${threadId}`;
    writeContent(tmp, content, mode);
    if (!whole && sameFiles(tmp, path)) {
      rmSync(tmp);
      return "unchanged";
    }
    renameSync(tmp, path);
    return "written";
  } catch (e) {
    throw new WriteError(path, /** @type {Error} */ (e).message);
  }
}

/**
 * The prepare record's line for a file just written or compared (see record.ts): what a later
 * prepare expects to find when the file is untouched.
 * @param {Folders} folders @param {string} rel @param {string} digest
 */
export function recordLine(folders, rel, digest) {
  const path = join(folders.root, rel);
  try {
    return lineOf(digest, statSync(path), rel);
  } catch (e) {
    throw new WriteError(path, /** @type {Error} */ (e).message);
  }
}
