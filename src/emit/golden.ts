/**
 * `--golden DIR`: compares what `prepare` would write with a committed tree, file list
 * included, as unified diffs; `--update-golden` makes DIR exactly the emitted tree.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { unifiedDiff } from "../util/diff.ts";
type Files = ReadonlyMap<string, string | Buffer>;

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const asText = (b: string | Buffer) => (typeof b === "string" ? b : b.toString("utf8"));

/** Files larger than this (the bundle of execute tasks, ~800 KB) are not diffed line by line. */
const LARGE = 64 * 1024;

/** One file's difference; a large file's only by its size (its content names it, e.g. a bundle's digest). */
function diffOf(path: string, old: string | undefined, emitted: string | undefined): string {
  const from = old === undefined ? "(not in golden)" : `golden/${path}`;
  const to = emitted === undefined ? "(not emitted any more)" : `emitted/${path}`;
  if ((old?.length ?? 0) > LARGE || (emitted?.length ?? 0) > LARGE) {
    const size = (s: string | undefined) => (s === undefined ? "none" : `${Buffer.byteLength(s)} bytes`);
    return `--- ${from}\n+++ ${to}\n@@ large file, not shown: ${size(old)} -> ${size(emitted)} @@`;
  }
  const body = unifiedDiff(old ?? "", emitted ?? "", from, to);
  return old === undefined || emitted === undefined ? `--- ${from}\n+++ ${to}\n${body.split("\n").slice(2).join("\n")}` : body;
}

/** The differences, one unified diff (or added/missing note) per file; empty when equal. */
export function compareGolden(dir: string, files: Files): string[] {
  const golden = new Set(listTree(dir));
  const diffs: string[] = [];
  for (const path of [...new Set([...golden, ...files.keys()])].sort()) {
    const made = files.get(path);
    const emitted = made === undefined ? undefined : asText(made);
    const old = golden.has(path) ? readFileSync(join(dir, path), "utf8") : undefined;
    if (old !== emitted) diffs.push(diffOf(path, old, emitted));
  }
  return diffs;
}

/** Makes `dir` hold exactly `files`. */
export function updateGolden(dir: string, files: Files): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    // Scripts executable, as the workspace writer makes them.
    writeFileSync(target, content, { mode: path.endsWith(".sh") ? 0o755 : 0o644 });
  }
}
