/**
 * The golden comparison file by file, without the noise of renames: the old tree's identifiers
 * and asset digests are renamed to the new ones (paths and contents) before comparing, so a
 * job that only moved with a parent's identifier shows nothing, a changed script shows its
 * changed lines once, and a file whose change was already shown under another job says so.
 * Folders of added and removed jobs are one line each (the summary says what they are).
 */
import { unifiedDiff } from "../util/diff.ts";
import type { Comparison } from "./index.ts";
import type { Renamer } from "./rename.ts";

type Tree = ReadonlyMap<string, string | Buffer>;

export interface FileDiffs {
  /** Unified diffs and one-line notes, in path order. */
  diffs: string[];
  /** Files equal once renamed: not shown. */
  renamed: number;
  /** Files that differ otherwise (added and removed ones included). */
  changed: number;
}

const isBinary = (b: string | Buffer) => typeof b !== "string" && b.includes(0);
const text = (b: string | Buffer) => (typeof b === "string" ? b : b.toString("utf8"));

/** The job folder (`jobs/<task>/<hash>`) a path is in, if any. */
const jobDirOf = (path: string) => /^(jobs\/[^/]+\/[^/]+)\//.exec(path)?.[1];

/**
 * The old text's lines in the new text's order. Lists sorted by identifier (a job's
 * dependencies, the manifest's ties) reorder when identifiers change: that is a rename too.
 * Lines the new text lacks stay just before the line that followed them in the old text.
 */
export function alignOrder(oldText: string, newText: string): string {
  const old = oldText.split("\n");
  const now = newText.split("\n");
  // The k-th occurrence of a line in the old text is the k-th occurrence in the new one.
  const positions = new Map<string, number[]>();
  now.forEach((line, i) => (positions.get(line) ?? positions.set(line, []).get(line)!).push(i));
  const seen = new Map<string, number>();
  const at = old.map((line) => {
    const k = seen.get(line) ?? 0;
    seen.set(line, k + 1);
    return positions.get(line)?.[k];
  });
  const before = new Map<number, string[]>();
  const tail: string[] = [];
  let pending: string[] = [];
  old.forEach((line, i) => {
    if (at[i] === undefined) return void pending.push(line);
    before.set(at[i]!, pending);
    pending = [];
  });
  tail.push(...pending);
  const out: string[] = [];
  now.forEach((line, i) => {
    const lost = before.get(i);
    if (lost === undefined) return;
    out.push(...lost, line);
  });
  return [...out, ...tail].join("\n");
}

/**
 * The old tree keyed by its renamed path (a job script by the new plan's name for it): contents
 * renamed too, except project files (assets are the user's bytes).
 */
function renamedTree(before: Tree, renamer: Renamer, scripts: ReadonlyMap<string, string>): Map<string, { path: string; content: string | Buffer }> {
  const out = new Map<string, { path: string; content: string | Buffer }>();
  for (const [path, content] of before) {
    const keep = path.startsWith("assets/") || isBinary(content) || renamer.size === 0;
    out.set(scripts.get(path) ?? renamer.text(path), { path, content: keep ? content : renamer.text(text(content)) });
  }
  return out;
}

/** Files larger than this (the bundle of execute tasks, ~800 KB) are not printed whole. */
const LARGE = 64 * 1024;

/** A whole file as added or removed (a unified diff against nothing; a line for a binary or large one). */
function wholeFile(content: string | Buffer, oldName: string, newName: string, added: boolean): string {
  if (isBinary(content)) return `Binary file ${added ? newName : oldName} ${added ? "added" : "removed"}`;
  if (content.length > LARGE) return `Large file ${added ? newName : oldName} ${added ? "added" : "removed"} (${Buffer.byteLength(content)} bytes, not shown)`;
  const body = added ? unifiedDiff("", text(content), oldName, newName) : unifiedDiff(text(content), "", oldName, newName);
  return body;
}

/**
 * Whether two texts hold the same words in another order. Lists sorted by identifier (a job's
 * dependency markers, continued lines included) reorder when identifiers change: once the old
 * text is renamed, that is all a rename changes.
 */
export function sameWords(a: string, b: string): boolean {
  const words = (t: string) => t.split(/\s+/).filter((w) => w !== "\\").sort().join(" ");
  return words(a) === words(b);
}

/**
 * A manifest compared job entry by job entry (one JSON line each, dependencies as a set):
 * how many entries of the new one differ other than by a rename; undefined when the rest differs.
 */
function manifestEntries(old: string, now: string): number | undefined {
  const split = (t: string) => {
    const entries: string[] = [];
    const rest: string[] = [];
    for (const line of t.split("\n")) {
      if (!line.startsWith("    {")) rest.push(line);
      else {
        const job = JSON.parse(line.replace(/,$/, ""));
        entries.push(JSON.stringify({ ...job, deps: [...job.deps].sort() }));
      }
    }
    return { entries, rest: rest.join("\n") };
  };
  try {
    const [a, b] = [split(old), split(now)];
    if (a.rest !== b.rest) return undefined;
    const left = new Map<string, number>();
    for (const e of a.entries) left.set(e, (left.get(e) ?? 0) + 1);
    let differ = 0;
    for (const e of b.entries) {
      const n = left.get(e) ?? 0;
      if (n > 0) left.set(e, n - 1);
      else differ++;
    }
    return Math.max(differ, a.entries.length - (b.entries.length - differ));
  } catch {
    return undefined;
  }
}

class Collector {
  readonly diffs: string[] = [];
  renamed = 0;
  changedFiles = 0;
  private readonly seen = new Map<string, string>();
  private readonly seenMasked = new Map<string, string>();
  readonly folders = new Map<string, { side: "golden" | "emitted"; files: string[] }>();

  /** A file on both sides: nothing when only renamed, else its diff (or a shorter note). */
  pair(oldPath: string, newPath: string, old: string | Buffer, renamedOld: string | Buffer, now: string | Buffer): void {
    const renamed = oldPath !== newPath || !Buffer.from(old).equals(Buffer.from(renamedOld));
    if (Buffer.from(renamedOld).equals(Buffer.from(now)) || (renamed && !isBinary(now) && !isBinary(renamedOld) && sameWords(text(renamedOld), text(now)))) {
      if (renamed) this.renamed++;
      return;
    }
    this.changedFiles++;
    if (isBinary(renamedOld) || isBinary(now)) return void this.diffs.push(`Binary files golden/${oldPath} and emitted/${newPath} differ`);
    if (old.length > LARGE || now.length > LARGE) {
      return void this.diffs.push(`--- golden/${oldPath}\n+++ emitted/${newPath}\n(a large file, not shown: ${Buffer.byteLength(old)} bytes, now ${Buffer.byteLength(now)})`);
    }
    const entries = /^experiments\/[^/]+\/manifest\.json$/.test(newPath) ? manifestEntries(text(renamedOld), text(now)) : undefined;
    if (entries === 0) {
      this.changedFiles--;
      this.renamed++;
    } else if (entries !== undefined) {
      this.diffs.push(`--- golden/${oldPath}\n+++ emitted/${newPath}\n(${entries} job entr${entries === 1 ? "y differs" : "ies differ"} other than by renamed identifiers: the summary above says how; --full shows the lines)`);
    } else this.changed(oldPath, newPath, renamed ? alignOrder(text(renamedOld), text(now)) : text(renamedOld), text(now), renamed);
  }

  /** A changed file: its diff, or a pointer to the same change shown for another file. */
  private changed(oldPath: string, newPath: string, old: string, now: string, renamed: boolean): void {
    const oldName = `golden/${oldPath}${renamed ? " (identifiers renamed)" : ""}`;
    const d = unifiedDiff(old, now, oldName, `emitted/${newPath}`);
    // The same lines removed and added: the same change (context lines differ from job to job).
    const body = d
      .split("\n")
      .slice(2)
      .filter((l) => l.startsWith("-") || l.startsWith("+"))
      .join("\n");
    const masked = body.replace(/[0-9a-f]{64}/g, "#");
    const first = this.seen.get(body) ?? this.seenMasked.get(masked);
    if (first) {
      const but = this.seen.has(body) ? "" : ", but for identifiers";
      this.diffs.push(`--- ${oldName}\n+++ emitted/${newPath}\n(the same change as ${first}${but})`);
    } else {
      this.seen.set(body, `emitted/${newPath}`);
      this.seenMasked.set(masked, `emitted/${newPath}`);
      this.diffs.push(d);
    }
  }

  /** A file on one side only: whole, unless its job folder is (then the folder is one line). */
  lone(side: "golden" | "emitted", path: string, content: string | Buffer, jobDirs: ReadonlySet<string>): void {
    this.changedFiles++;
    const dir = jobDirOf(path);
    if (dir && jobDirs.has(dir)) {
      const f = this.folders.get(`${side}\0${dir}`) ?? { side, files: [] };
      f.files.push(path.slice(dir.length + 1));
      this.folders.set(`${side}\0${dir}`, f);
      return;
    }
    this.diffs.push(side === "emitted" ? wholeFile(content, "(not in golden)", `emitted/${path}`, true) : wholeFile(content, `golden/${path}`, "(not emitted any more)", false));
  }
}

/** Unified diffs of what changed for another reason than a rename. */
export function goldenFileDiffs(before: Tree, after: Tree, comparison: Comparison): FileDiffs {
  const { diff: plan, renamer, scripts } = comparison;
  const old = renamedTree(before, renamer, scripts);
  const added = new Set(plan.jobs.flatMap((j) => (j.kind === "added" && j.after ? [j.after.dir] : [])));
  const removed = new Set(plan.jobs.flatMap((j) => (j.kind === "removed" && j.before ? [j.before.dir] : [])));
  const c = new Collector();
  for (const path of [...new Set([...old.keys(), ...after.keys()])].sort()) {
    const o = old.get(path);
    const now = after.get(path);
    if (o && now !== undefined) c.pair(o.path, path, before.get(o.path)!, o.content, now);
    else if (now !== undefined) c.lone("emitted", path, now, added);
    else if (o) c.lone("golden", o.path, before.get(o.path)!, removed);
  }
  for (const [key, f] of c.folders) {
    const dir = key.slice(key.indexOf("\0") + 1);
    c.diffs.push(f.side === "emitted" ? `only in emitted: ${dir}/ (a new job: ${f.files.join(", ")})` : `only in golden: ${dir}/ (a removed job: ${f.files.join(", ")})`);
  }
  return { diffs: c.diffs, renamed: c.renamed, changed: c.changedFiles };
}
