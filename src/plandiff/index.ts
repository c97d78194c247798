/**
 * The plan diff: what changed between two compiles of an experiment, said per task — jobs added
 * and removed, params changed (`old → new`, from params.json), jobs re-identified only because
 * a parent was, changes of resources or launcher that alter the script but not the identity, and
 * project files (assets). Jobs are paired by match.ts (by structure, never by identifier).
 */
import type { ManifestJob } from "../model/manifest.ts";
import { assetsUsed, diffAssets, type AssetDiff } from "./assets.ts";
import { commandChange, paramChanges, renameConfigs, resourceChanges, SideJobs, similarity, tagChanges } from "./compare.ts";
import { sameWords } from "./files.ts";
import { matchJobs, ownTags } from "./match.ts";
import { Renamer } from "./rename.ts";
import type { PlanSource } from "./source.ts";
import type { ValueChange } from "./values.ts";

export const PLANDIFF_SCHEMA = "experimaestro-ts/plandiff@1";

export type JobKind = "added" | "removed" | "changed" | "re-identified" | "updated";
export const JOB_KINDS: readonly JobKind[] = ["added", "removed", "changed", "re-identified", "updated"];

/** A job on one side: its key, identifier and folder. */
export interface JobRef {
  key: string;
  hash: string;
  dir: string;
}

export interface JobDiff {
  kind: JobKind;
  task: string;
  /** The tags the job sets, else its only parent's label, else its short identifier. */
  label: string;
  before?: JobRef;
  after?: JobRef;
  /** Params that differ (old side renamed to the new identifiers). */
  params: ValueChange[];
  /** The command's differing words, when params do not explain them (or a side has no params.json). */
  command?: ValueChange;
  resources: ValueChange[];
  tags: ValueChange[];
  /** Task ids of parents whose identifier changed, that are new, or that are gone. */
  parents: { changed: string[]; added: string[]; removed: string[] };
  /** Changed project files this job's command uses. */
  assets: string[];
  /** The script differs for none of the reasons above (environment, template). */
  script: boolean;
}

export interface PlanDiff {
  schema: typeof PLANDIFF_SCHEMA;
  before: { source: string; experiment: string; jobs: number };
  after: { source: string; experiment: string; jobs: number };
  /** Nothing differs: same jobs, params, resources, scripts and assets. */
  same: boolean;
  /** The jobs that differ: the new plan's order, then the removed ones in the old plan's. */
  jobs: JobDiff[];
  assets: AssetDiff[];
  /** Every task of either plan (new plan's order, then the old one's) with its job counts. */
  tasks: { task: string; before: number; after: number }[];
  total: Record<JobKind | "unchanged", number> & { assets: number };
}

export interface Comparison {
  diff: PlanDiff;
  /** Old identifiers and digests -> new ones (for the golden file diff). */
  renamer: Renamer;
  /** Old script path -> new one, for matched jobs whose script is named otherwise (not only by identifier). */
  scripts: Map<string, string>;
}

/** Labels of a side's jobs: the tags it sets, else the only parent's label, else the short identifier. */
function labeler(side: SideJobs): (job: ManifestJob) => string {
  const memo = new Map<string, string>();
  const label = (job: ManifestJob): string => {
    let l = memo.get(job.key);
    if (l !== undefined) return l;
    const tags = ownTags(job, side.byKey);
    const parent = job.deps.length === 1 ? side.byKey.get(job.deps[0]!) : undefined;
    l = tags.length ? tags.map(([k, v]) => `${k}=${v}`).join(" ") : parent ? label(parent) : job.hash.slice(0, 8);
    memo.set(job.key, l);
    return l;
  };
  return label;
}

const ref = (j: ManifestJob): JobRef => ({ key: j.key, hash: j.hash, dir: j.dir });

const EMPTY_PARENTS = () => ({ changed: [] as string[], added: [] as string[], removed: [] as string[] });

class Differ {
  readonly before: SideJobs;
  readonly after: SideJobs;
  readonly renamer = new Renamer();
  readonly toBefore: Map<string, string>;
  readonly taken: Set<string>;
  assets: AssetDiff[] = [];

  constructor(before: PlanSource, after: PlanSource) {
    this.before = new SideJobs(before);
    this.after = new SideJobs(after);
    this.toBefore = matchJobs(this.before.jobs, this.after.jobs, similarity(this.before, this.after));
    this.taken = new Set(this.toBefore.values());
    for (const [b, a] of this.toBefore) this.renamer.job(this.before.byKey.get(a)!.hash, this.after.byKey.get(b)!.hash);
    for (const [b, a] of this.toBefore) renameConfigs(this.before.document(this.before.byKey.get(a)!), this.after.document(this.after.byKey.get(b)!), this.renamer);
    this.assets = diffAssets(before, after, this.renamer);
  }

  parents(a: ManifestJob, b: ManifestJob): JobDiff["parents"] {
    const out = EMPTY_PARENTS();
    for (const d of b.deps) {
      const from = this.toBefore.get(d);
      const task = this.after.byKey.get(d)?.task ?? d;
      if (from === undefined) out.added.push(task);
      else if (this.before.byKey.get(from)?.hash !== this.after.byKey.get(d)?.hash) out.changed.push(task);
    }
    for (const d of a.deps) if (!this.taken.has(d)) out.removed.push(this.before.byKey.get(d)?.task ?? d);
    return out;
  }

  /** Whether the scripts differ once renamed, in more than line order (false when a side has none). */
  scriptDiffers(a: ManifestJob, b: ManifestJob): boolean {
    const sa = this.before.script(a);
    const sb = this.after.script(b);
    // Dependency markers are listed by identifier: a renamed parent may move its line.
    return sa !== undefined && sb !== undefined && !sameWords(this.renamer.text(sa), sb);
  }

  /** A matched pair's differences, or undefined when there are none. */
  pair(a: ManifestJob, b: ManifestJob, label: string): JobDiff | undefined {
    const params = paramChanges(this.before, this.after, a, b, this.renamer);
    const command = params?.length ? undefined : commandChange(a, b, this.renamer);
    const d: JobDiff = {
      kind: "updated",
      task: b.task,
      label,
      before: ref(a),
      after: ref(b),
      params: params ?? [],
      ...(command ? { command } : {}),
      resources: resourceChanges(a, b),
      tags: tagChanges(this.before, this.after, a, b),
      parents: this.parents(a, b),
      assets: assetsUsed(b, this.assets),
      script: false,
    };
    const explained = d.params.length || d.command || d.resources.length || d.tags.length || d.assets.length;
    if (!explained) d.script = this.scriptDiffers(a, b);
    if (a.hash !== b.hash) d.kind = d.params.length || d.command ? "changed" : "re-identified";
    else if (!explained && !d.script && !d.parents.changed.length && !d.parents.added.length && !d.parents.removed.length) return undefined;
    return d;
  }

  lone(kind: "added" | "removed", job: ManifestJob, label: string): JobDiff {
    return { kind, task: job.task, label, ...(kind === "added" ? { after: ref(job) } : { before: ref(job) }), params: [], resources: [], tags: [], parents: EMPTY_PARENTS(), assets: [], script: false };
  }
}

/** Compares two plans. */
export function comparePlans(before: PlanSource, after: PlanSource): Comparison {
  const d = new Differ(before, after);
  const [labelA, labelB] = [labeler(d.before), labeler(d.after)];
  const jobs: JobDiff[] = [];
  let unchanged = 0;
  for (const b of d.after.jobs) {
    const from = d.toBefore.get(b.key);
    const diff = from === undefined ? d.lone("added", b, labelB(b)) : d.pair(d.before.byKey.get(from)!, b, labelB(b));
    if (diff) jobs.push(diff);
    else unchanged++;
  }
  for (const a of d.before.jobs) if (!d.taken.has(a.key)) jobs.push(d.lone("removed", a, labelA(a)));
  const total = { ...Object.fromEntries(JOB_KINDS.map((k) => [k, 0])), unchanged, assets: d.assets.length } as PlanDiff["total"];
  for (const j of jobs) total[j.kind]++;
  const tasks = new Map<string, { task: string; before: number; after: number }>();
  for (const j of d.after.jobs) tasks.set(j.task, { task: j.task, before: 0, after: (tasks.get(j.task)?.after ?? 0) + 1 });
  for (const j of d.before.jobs) {
    const t = tasks.get(j.task) ?? { task: j.task, before: 0, after: 0 };
    t.before++;
    tasks.set(j.task, t);
  }
  const side = (s: PlanSource) => ({ source: s.label, experiment: s.manifest.experiment, jobs: s.manifest.jobs.length });
  const diff: PlanDiff = { schema: PLANDIFF_SCHEMA, before: side(before), after: side(after), same: jobs.length === 0 && d.assets.length === 0, jobs, assets: d.assets, tasks: [...tasks.values()], total };
  const scripts = new Map<string, string>();
  for (const [b, a] of d.toBefore) {
    const [from, to] = [d.before.byKey.get(a)!.script, d.after.byKey.get(b)!.script];
    if (d.renamer.text(from) !== to) scripts.set(from, to);
  }
  return { diff, renamer: d.renamer, scripts };
}

export function diffPlans(before: PlanSource, after: PlanSource): PlanDiff {
  return comparePlans(before, after).diff;
}
