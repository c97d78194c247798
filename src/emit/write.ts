/**
 * The one writer: puts emitted files under a workspace. It compares before writing (an unchanged
 * plan writes nothing), writes through a temporary file and a rename (no half-written script is
 * ever visible), and makes `.sh` files executable. It never deletes anything.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { EmittedFiles } from "./index.ts";

export interface WriteReport {
  written: string[];
  unchanged: number;
}

function sameContent(path: string, content: string | Buffer): boolean {
  try {
    const old = readFileSync(path);
    return old.equals(typeof content === "string" ? Buffer.from(content) : content);
  } catch {
    return false;
  }
}

/** Writes `files` (workspace-relative paths) under `root`. */
export function writeFiles(root: string, files: EmittedFiles): WriteReport {
  const report: WriteReport = { written: [], unchanged: 0 };
  const made = new Set<string>();
  for (const [rel, content] of files) {
    const path = join(root, rel);
    if (sameContent(path, content)) {
      report.unchanged++;
      continue;
    }
    try {
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const tmp = `${path}.xpm-tmp-${process.pid}`;
      writeFileSync(tmp, content);
      if (rel.endsWith(".sh")) chmodSync(tmp, 0o755);
      renameSync(tmp, path);
    } catch (e) {
      throw new XpmError({
        code: Codes.WRITE_FAILED,
        message: `cannot write ${path}: ${(e as Error).message}`,
        where: { file: path },
        hint: "check that the workspace folder is writable and the disk is not full",
      });
    }
    report.written.push(rel);
  }
  return report;
}
