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

/** The differences, one unified diff (or added/missing note) per file; empty when equal. */
export function compareGolden(dir: string, files: Files): string[] {
  const golden = new Set(listTree(dir));
  const diffs: string[] = [];
  for (const path of [...new Set([...golden, ...files.keys()])].sort()) {
    const emitted = files.get(path);
    if (emitted === undefined) {
      diffs.push(`--- golden/${path}\n+++ (not emitted any more)\n${unifiedDiff(readFileSync(join(dir, path), "utf8"), "", `golden/${path}`, "(none)").split("\n").slice(2).join("\n")}`);
      continue;
    }
    const old = golden.has(path) ? readFileSync(join(dir, path), "utf8") : undefined;
    if (old === undefined) diffs.push(`--- (not in golden)\n+++ emitted/${path}\n${unifiedDiff("", asText(emitted), "(none)", path).split("\n").slice(2).join("\n")}`);
    else if (old !== asText(emitted)) diffs.push(unifiedDiff(old, asText(emitted), `golden/${path}`, `emitted/${path}`));
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
