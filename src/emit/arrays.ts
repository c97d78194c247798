/**
 * Arrays, an emission choice: the jobs of a scheduler backend grouped so that a driver can submit
 * each group as one array (SLURM `--array`). The plan, the identifiers and the job scripts stay
 * what they are; a group adds an array script and a list file (`experiments/<id>/arrays/`), and
 * each element runs its own job's script in its own folder.
 *
 * A group: jobs of the same task, launcher and resources whose parents lie in the same groups.
 * A parent group is *correlated* when it has as many jobs as the group and each job has exactly
 * one parent there, each a different one: the group is then ordered as that parent group, so
 * element k waits for element k only (`aftercorr`); any other parent group is waited for whole
 * (`afterok`). The groups are in a topological order of their own: a group comes after every
 * group its jobs depend on.
 */
import type { Backends } from "../model/backend.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";

export interface ArrayGroup {
  /** Position in the groups' order. */
  index: number;
  /** `<task name>-array-<hash8 of its first job>`: the array's file names and its job name. */
  name: string;
  backend: string;
  task: string;
  launcher: string;
  /** Its jobs, in element order (element k is jobs[k]). */
  jobs: ResolvedJob[];
  /** Groups whose element k is the parent of element k here (their indices). */
  correlated: number[];
  /** Other groups some job here depends on, waited for whole. */
  after: number[];
  /** At most this many elements at once (the launcher's `array_parallelism`). */
  throttle: number | undefined;
}

/** The resources of a job as a text (environment aside): jobs with the same text get the same header. */
function resourceText(cache: Map<object, string>, j: ResolvedJob): string {
  let text = cache.get(j.resources);
  if (text === undefined) {
    const { env: _env, ...rest } = j.resources;
    text = JSON.stringify(rest);
    cache.set(j.resources, text);
  }
  return text;
}

/** Jobs in raw groups (plan order), for the backends that have arrays; the group of each job by key. */
function rawGroups(plan: ResolvedPlan, backends: Backends): { groups: ResolvedJob[][]; groupOf: Map<string, number> } {
  const texts = new Map<object, string>();
  const byKey = new Map<string, number>();
  const groups: ResolvedJob[][] = [];
  const groupOf = new Map<string, number>();
  for (const j of plan.jobs) {
    if (!backends.of(j.resources.backend).scheduler?.arrays) continue;
    const parents = [...new Set(j.deps.map((d) => groupOf.get(d) ?? -1))].sort((a, b) => a - b);
    // A resumable job submits its own continuations and moves its dependents onto them: it is
    // a group of its own (submitted alone, as a job, not an array).
    const key = JSON.stringify([j.resources.backend, j.taskId, j.resources.launcher, resourceText(texts, j), parents, j.resumable === undefined ? "" : j.key]);
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      byKey.set(key, g);
      groups.push([]);
    }
    groups[g]!.push(j);
    groupOf.set(j.key, g);
  }
  return { groups, groupOf };
}

/** Positions of each job's one parent in group `p`, or undefined when group `p` does not map 1:1 onto `jobs`. */
function correlation(jobs: readonly ResolvedJob[], parent: readonly ResolvedJob[], groupOf: Map<string, number>, p: number): number[] | undefined {
  if (jobs.length !== parent.length) return undefined;
  const position = new Map(parent.map((j, k) => [j.key, k]));
  const seen = new Set<number>();
  const out: number[] = [];
  for (const j of jobs) {
    const mine = j.deps.filter((d) => groupOf.get(d) === p);
    const k = mine.length === 1 ? position.get(mine[0]!) : undefined;
    if (k === undefined || seen.has(k)) return undefined;
    seen.add(k);
    out.push(k);
  }
  return out;
}

/** The groups in a topological order of their own (ties: the first job's place in the plan). */
function groupOrder(groups: ResolvedJob[][], groupOf: Map<string, number>): number[] {
  const parents = groups.map((jobs) => new Set(jobs.flatMap((j) => j.deps.map((d) => groupOf.get(d)).filter((g): g is number => g !== undefined))));
  const order: number[] = [];
  const placed = new Set<number>();
  // Raw groups are numbered by their first job's place in the plan, and a parent group's first job comes before a child's.
  for (let pass = 0; order.length < groups.length; pass++) {
    if (pass > groups.length) throw new Error("internal: the array groups form a cycle");
    for (let g = 0; g < groups.length; g++) {
      if (!placed.has(g) && [...parents[g]!].every((p) => placed.has(p))) {
        placed.add(g);
        order.push(g);
      }
    }
  }
  return order;
}

/** The array groups of a plan, in their order. */
export function arrayGroups(plan: ResolvedPlan, backends: Backends): ArrayGroup[] {
  const { groups, groupOf } = rawGroups(plan, backends);
  const order = groupOrder(groups, groupOf);
  const rank = new Map(order.map((g, i) => [g, i]));
  const out: ArrayGroup[] = [];
  for (const g of order) {
    let jobs = groups[g]!;
    const parentGroups = [...new Set(jobs.flatMap((j) => j.deps.map((d) => groupOf.get(d)).filter((p): p is number => p !== undefined)))].sort((a, b) => rank.get(a)! - rank.get(b)!);
    const correlated: number[] = [];
    const after: number[] = [];
    for (const p of parentGroups) {
      const positions = correlation(jobs, out[rank.get(p)!]!.jobs, groupOf, p);
      if (positions && correlated.length === 0) {
        const sorted: ResolvedJob[] = [];
        positions.forEach((k, i) => (sorted[k] = jobs[i]!));
        jobs = sorted;
        correlated.push(rank.get(p)!);
      } else if (positions && positions.every((k, i) => k === i)) correlated.push(rank.get(p)!);
      else after.push(rank.get(p)!);
    }
    const first = jobs[0]!;
    const throttle = first.resources.options.array_parallelism;
    out.push({
      index: out.length,
      name: `${first.name}-array-${first.hash.slice(0, 8)}`,
      backend: first.resources.backend,
      task: first.taskId,
      launcher: first.resources.launcher,
      jobs,
      correlated,
      after,
      throttle: throttle === undefined ? undefined : Number(throttle),
    });
  }
  return out;
}

/** The smallest value of a numeric launcher option over a backend's jobs (undefined: none declares it). */
export function leastOption(plan: ResolvedPlan, backend: string, option: string): number | undefined {
  let least: number | undefined;
  const seen = new Set<object>();
  for (const j of plan.jobs) {
    if (j.resources.backend !== backend || seen.has(j.resources)) continue;
    seen.add(j.resources);
    const v = j.resources.options[option];
    if (v !== undefined && (least === undefined || Number(v) < least)) least = Number(v);
  }
  return least;
}

/** A group as the manifest and dry-run show it: an array (two jobs or more) or a job submitted alone. */
export interface SubmissionUnit {
  /** The array's name, or the label of the job submitted alone. */
  name: string;
  jobs: number;
}

/** What a scheduler driver will submit, with no job done or queued yet. */
export interface SubmissionPlan {
  backend: string;
  /** Arrays of at most this many jobs (a larger group is cut into slices). */
  maxArraySize: number;
  /** Jobs of the user at most queued or running; undefined: no limit declared. */
  maxSubmit: number | undefined;
  /** How many submissions (arrays and single jobs) without a limit on what is queued. */
  submissions: number;
  /** With max_submit: what each wave submits (one place is kept for the continuation job). */
  waves: SubmissionUnit[][] | undefined;
}

const unitName = (g: ArrayGroup) => (g.jobs.length > 1 ? g.name : `${g.jobs[0]!.taskId}/${g.jobs[0]!.hash.slice(0, 8)}`);

/** The waves a driver submits with an empty queue: each job after its parents, budget jobs at a time. */
function waves(groups: readonly ArrayGroup[], size: number, budget: number): SubmissionUnit[][] {
  const submitted = new Set<string>();
  const inGroups = new Set(groups.flatMap((g) => g.jobs.map((j) => j.key)));
  const out: SubmissionUnit[][] = [];
  const total = groups.reduce((n, g) => n + g.jobs.length, 0);
  while (submitted.size < total && out.length < total + 1) {
    const wave: SubmissionUnit[] = [];
    let left = budget;
    for (const g of groups) {
      const counts = new Map<number, number>();
      for (let k = 0; k < g.jobs.length && left > 0; k++) {
        const j = g.jobs[k]!;
        if (submitted.has(j.key) || !j.deps.every((d) => submitted.has(d) || !inGroups.has(d))) continue;
        submitted.add(j.key);
        left--;
        counts.set(Math.floor(k / size), (counts.get(Math.floor(k / size)) ?? 0) + 1);
      }
      for (const [, n] of [...counts].sort(([a], [b]) => a - b)) wave.push({ name: unitName(g), jobs: n });
    }
    out.push(wave);
  }
  return out;
}

/** The submission plan of each scheduler backend that has arrays. */
export function submissionPlans(plan: ResolvedPlan, backends: Backends, groups: readonly ArrayGroup[]): SubmissionPlan[] {
  const out: SubmissionPlan[] = [];
  for (const b of backends.schedulers()) {
    const mine = groups.filter((g) => g.backend === b.key);
    if (!b.scheduler?.arrays || mine.length === 0) continue;
    const size = leastOption(plan, b.key, "max_array_size") ?? b.scheduler.arrays.maxSize;
    const maxSubmit = leastOption(plan, b.key, "max_submit");
    const submissions = mine.reduce((n, g) => n + (g.jobs.length > 1 ? Math.ceil(g.jobs.length / size) : 1), 0);
    out.push({ backend: b.key, maxArraySize: size, maxSubmit, submissions, waves: maxSubmit === undefined ? undefined : waves(mine, size, Math.max(1, maxSubmit - 1)) });
  }
  return out;
}

/** The dry-run's lines about arrays and waves: what each scheduler driver will submit. */
export function describeSubmission(plan: ResolvedPlan, backends: Backends): string[] {
  if (!backends.schedulers().some((b) => b.scheduler!.arrays)) return [];
  const groups = arrayGroups(plan, backends);
  const name = (g: ArrayGroup) => (g.jobs.length > 1 ? g.name : `${g.jobs[0]!.taskId}/${g.jobs[0]!.hash.slice(0, 8)}`);
  const lines: string[] = [];
  for (const p of submissionPlans(plan, backends, groups)) {
    const driver = backends.of(p.backend).scheduler!.driver;
    const arrays = groups.filter((g) => g.backend === p.backend && g.jobs.length > 1);
    lines.push(`${driver}: ${p.submissions} submissions (arrays of at most ${p.maxArraySize}; --no-arrays: one per job)`);
    for (const g of arrays) {
      const deps = [...g.correlated.map((c) => `element by element after ${name(groups[c]!)}`), ...g.after.map((c) => `after all of ${name(groups[c]!)}`)];
      const throttle = g.throttle === undefined ? "" : `, ${g.throttle} at once`;
      lines.push(`  array ${g.name}: ${g.jobs.length} jobs of ${g.task} (launcher ${g.launcher}${throttle})${deps.length ? `, ${deps.join(", ")}` : ""}`);
    }
    if (p.waves) {
      lines.push(`  at most ${p.maxSubmit} jobs queued: ${p.waves.length} wave${p.waves.length === 1 ? "" : "s"}, each after the previous one by a continuation job`);
      p.waves.forEach((w, k) => lines.push(`  wave ${k + 1}: ${w.map((u) => `${u.name} (${u.jobs})`).join(", ")}`));
    }
  }
  return lines;
}
