/**
 * Project files (assets) of two plans compared. An asset folder is named by the digest of its
 * content, so an edited file gives its folder a new name: folders are paired by the files they
 * hold (same digest, else most file names in common), then compared file by file.
 */
import type { Manifest } from "../model/manifest.ts";
import type { Renamer } from "./rename.ts";
import type { PlanSource } from "./source.ts";

export interface AssetDiff {
  /** The file's path inside its asset folder, e.g. `scripts/train.mjs`. */
  path: string;
  change: "changed" | "added" | "removed";
  /** The asset folders' digests on each side. */
  before?: string;
  after?: string;
}

const ASSET_WORD = /assets\/([0-9a-f]{16})\/([^\s'"]+)/g;

/** digest -> file paths inside it, from the side's files and from what its commands name. */
function assetsOf(side: PlanSource): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const note = (digest: string, path: string) => {
    if (!out.has(digest)) out.set(digest, new Set());
    out.get(digest)!.add(path);
  };
  const fromTree = (paths: readonly string[]) => {
    for (const p of paths) {
      const m = /^assets\/([0-9a-f]{16})\/(.+)$/.exec(p);
      if (m) note(m[1]!, m[2]!);
    }
  };
  for (const job of side.manifest.jobs) for (const w of job.command) for (const m of w.matchAll(ASSET_WORD)) note(m[1]!, m[2]!);
  if (side.tree) fromTree(side.tree);
  else for (const digest of [...out.keys()]) fromTree(side.list(`assets/${digest}`));
  return out;
}

const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).length;

/** old digest -> new digest: equal digests, then most file names in common. */
function pairFolders(before: Map<string, Set<string>>, after: Map<string, Set<string>>): Map<string, string> {
  const pairs = new Map<string, string>();
  const used = new Set<string>();
  for (const d of before.keys()) if (after.has(d)) (pairs.set(d, d), used.add(d));
  const candidates: [number, string, string][] = [];
  for (const [a, fa] of before) {
    if (pairs.has(a)) continue;
    for (const [b, fb] of after) if (!used.has(b) && overlap(fa, fb) > 0) candidates.push([overlap(fa, fb), a, b]);
  }
  candidates.sort((x, y) => y[0] - x[0] || (x[1] < y[1] ? -1 : 1) || (x[2] < y[2] ? -1 : 1));
  for (const [, a, b] of candidates) {
    if (pairs.has(a) || used.has(b)) continue;
    pairs.set(a, b);
    used.add(b);
  }
  return pairs;
}

const same = (x: string | Buffer | undefined, y: string | Buffer | undefined) => x !== undefined && y !== undefined && Buffer.from(x).equals(Buffer.from(y));

/** The file-level differences of two sides' assets; records paired digests in `renamer`. */
export function diffAssets(before: PlanSource, after: PlanSource, renamer: Renamer): AssetDiff[] {
  const a = assetsOf(before);
  const b = assetsOf(after);
  const pairs = pairFolders(a, b);
  const out: AssetDiff[] = [];
  for (const [from, to] of pairs) {
    renamer.asset(from, to);
    const fa = a.get(from)!;
    const fb = b.get(to)!;
    for (const path of [...new Set([...fa, ...fb])].sort()) {
      if (!fb.has(path)) out.push({ path, change: "removed", before: from });
      else if (!fa.has(path)) out.push({ path, change: "added", after: to });
      // Same digest: same content. Otherwise compare, when both sides hold the files.
      else if (from !== to && !same(before.read(`assets/${from}/${path}`), after.read(`assets/${to}/${path}`))) out.push({ path, change: "changed", before: from, after: to });
    }
  }
  const paired = new Set(pairs.values());
  for (const [d, files] of a) if (!pairs.has(d)) for (const path of [...files].sort()) out.push({ path, change: "removed", before: d });
  for (const [d, files] of b) if (!paired.has(d)) for (const path of [...files].sort()) out.push({ path, change: "added", after: d });
  return out;
}

/** The changed or added asset files a job's command uses. */
export function assetsUsed(job: Manifest["jobs"][number], changed: readonly AssetDiff[]): string[] {
  const out = new Set<string>();
  for (const w of job.command) {
    for (const m of w.matchAll(ASSET_WORD)) if (changed.some((c) => c.change !== "removed" && c.after === m[1] && c.path === m[2])) out.add(m[2]!);
  }
  return [...out].sort();
}
