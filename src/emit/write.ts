/**
 * The one writer: puts emitted files under a workspace. It never deletes anything.
 * - In a folder it creates in this run (a new job), files are written directly: nobody can
 *   see them yet, and the manifest that lists the job is written last.
 * - In an existing folder, it compares before writing (an unchanged plan writes nothing) and
 *   replaces a file through a temporary file and a rename (no half-written script is visible).
 * `.sh` files are created executable. Chunked content (the manifest) is streamed, never held whole.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { Content, EmittedFiles } from "./index.ts";

/** How many files were written and how many were left as they were (counts only: 100,000-job plans). */
export interface WriteReport {
  written: number;
  unchanged: number;
}

function sameContent(path: string, content: string | Buffer): boolean {
  try {
    const old = readFileSync(path);
    return typeof content === "string" ? old.length === Buffer.byteLength(content) && old.toString("utf8") === content : old.equals(content);
  } catch {
    return false;
  }
}

/** Whether two files hold the same bytes, read in blocks. */
function sameFiles(a: string, b: string): boolean {
  let fa: number | undefined;
  let fb: number | undefined;
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

function writeContent(path: string, content: Content, mode: number): void {
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

/** Writes `files` (workspace-relative paths) under `root`. */
export function writeFiles(root: string, files: EmittedFiles): WriteReport {
  const report: WriteReport = { written: 0, unchanged: 0 };
  /** Folder -> whether this run created it. */
  const folders = new Map<string, boolean>();
  const ensure = (dir: string): boolean => {
    let created = folders.get(dir);
    if (created === undefined) {
      const parent = dirname(dir);
      if (parent !== dir && !folders.has(parent)) ensure(parent);
      try {
        mkdirSync(dir);
        created = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        created = false;
      }
      folders.set(dir, created);
    }
    return created;
  };
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    throw new XpmError({ code: Codes.WRITE_FAILED, message: `cannot create the workspace ${root}: ${(e as Error).message}`, where: { file: root }, hint: "check the path and its permissions" });
  }
  folders.set(root, false);
  for (const [rel, content] of files) {
    const path = join(root, rel);
    const mode = rel.endsWith(".sh") ? 0o755 : 0o644;
    try {
      if (ensure(dirname(path))) {
        writeContent(path, content, mode);
      } else {
        const whole = typeof content === "string" || Buffer.isBuffer(content);
        if (whole && sameContent(path, content)) {
          report.unchanged++;
          continue;
        }
        const tmp = `${path}.xpm-tmp-${process.pid}`;
        writeContent(tmp, content, mode);
        if (!whole && sameFiles(tmp, path)) {
          rmSync(tmp);
          report.unchanged++;
          continue;
        }
        renameSync(tmp, path);
      }
    } catch (e) {
      throw new XpmError({
        code: Codes.WRITE_FAILED,
        message: `cannot write ${path}: ${(e as Error).message}`,
        where: { file: path },
        hint: "check that the workspace folder is writable and the disk is not full",
      });
    }
    report.written++;
  }
  return report;
}
