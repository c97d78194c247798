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
    const key = JSON.stringify([j.resources.backend, j.taskId, j.resources.launcher, resourceText(texts, j), parents]);
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
