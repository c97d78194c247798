/**
 * `--golden DIR`: the emitted tree compared with a committed one. Any byte that differs is a
 * mismatch, as before; what is shown is the plan summary first, then only the files that
 * changed for another reason than a rename (`full`: every differing file, as unified diffs).
 */
import { existsSync } from "node:fs";
import { unifiedDiff } from "../util/diff.ts";
import { goldenFileDiffs } from "./files.ts";
import { comparePlans, type PlanDiff } from "./index.ts";
import { fromFiles, readTree } from "./source.ts";

type Files = ReadonlyMap<string, string | Buffer>;

export interface GoldenComparison {
  /** DIR does not exist. */
  missing: boolean;
  /** Files that differ byte for byte (added and removed included). */
  differing: number;
  /** Of those, the files that differ other than by renamed identifiers (all of them with `full`). */
  changed: number;
  /** The plan summary (undefined when DIR holds no manifest of this experiment). */
  summary: PlanDiff | undefined;
  /** What to show: unified diffs and one-line notes. */
  diffs: string[];
  /** Differing files not shown: equal once identifiers are renamed. */
  renamed: number;
}

const bytes = (c: string | Buffer) => (typeof c === "string" ? Buffer.from(c) : c);
const asText = (b: string | Buffer) => (typeof b === "string" ? b : b.toString("utf8"));

/** Every differing file as a unified diff (or an added / no longer emitted note). */
export function fullDiffs(golden: Files, files: Files): string[] {
  const diffs: string[] = [];
  for (const path of [...new Set([...golden.keys(), ...files.keys()])].sort()) {
    const emitted = files.get(path);
    const old = golden.get(path);
    if (emitted === undefined) diffs.push(unifiedDiff(asText(old!), "", `golden/${path}`, "(not emitted any more)"));
    else if (old === undefined) diffs.push(unifiedDiff("", asText(emitted), "(not in golden)", `emitted/${path}`));
    else if (!bytes(old).equals(bytes(emitted))) diffs.push(unifiedDiff(asText(old), asText(emitted), `golden/${path}`, `emitted/${path}`));
  }
  return diffs;
}

function differingFiles(golden: Files, files: Files): number {
  let n = 0;
  for (const path of new Set([...golden.keys(), ...files.keys()])) {
    const [a, b] = [golden.get(path), files.get(path)];
    if (a === undefined || b === undefined || !bytes(a).equals(bytes(b))) n++;
  }
  return n;
}

/** Compares the emitted `files` of `experiment` with the golden folder `dir`. */
export function compareWithGolden(dir: string, files: Files, experiment: string, opts: { full?: boolean; label?: string } = {}): GoldenComparison {
  if (!existsSync(dir)) return { missing: true, differing: files.size, changed: files.size, summary: undefined, diffs: [], renamed: 0 };
  const golden = readTree(dir);
  const differing = differingFiles(golden, files);
  if (differing === 0) return { missing: false, differing, changed: 0, summary: undefined, diffs: [], renamed: 0 };
  // A golden folder of another layout (no manifest of this experiment): the plain file diff.
  if (!golden.has(`experiments/${experiment}/manifest.json`)) return { missing: false, differing, changed: differing, summary: undefined, diffs: fullDiffs(golden, files), renamed: 0 };
  const comparison = comparePlans(fromFiles(golden, opts.label ?? dir, experiment), fromFiles(files, "emitted", experiment));
  const summary = comparison.diff;
  if (opts.full) return { missing: false, differing, changed: differing, summary, diffs: fullDiffs(golden, files), renamed: 0 };
  const shown = goldenFileDiffs(golden, files, comparison);
  return { missing: false, differing, changed: shown.changed, summary, diffs: shown.diffs, renamed: shown.renamed };
}
