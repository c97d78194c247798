/**
 * `jobs clean`: which finished job folders would be deleted, which are refused and why, and
 * deleting them. Finished means an end marker (`.done`, or `.failed` of any reason). A job
 * that runs or that a scheduler holds is refused, and so is a job that is not finished yet
 * (nothing to clean). A finished job is kept when a job of a prepared experiment that is not
 * done depends on it (that job needs its outputs to run), unless `force`.
 */
import { rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { jobLabel, lockHeld, type JobLocation } from "../model/workspace.ts";
import { markerState } from "../model/state.ts";
import type { JobRow, WorkspaceView } from "./jobs.ts";

export interface CleanPlan {
  /** Deleted with --perform. */
  remove: JobRow[];
  /** Not deleted, each with the reason. */
  refused: { job: JobRow; why: string }[];
  /** Prepared experiments that lose jobs (they need a new prepare to recreate those folders). */
  experiments: string[];
}

/** For each job, the not-done jobs of prepared experiments that depend on it (labels). */
function neededBy(view: WorkspaceView): Map<string, string[]> {
  const byKey = new Map(view.jobs.map((j) => [j.key, j]));
  const out = new Map<string, string[]>();
  for (const { manifest } of view.experiments) {
    for (const j of manifest?.jobs ?? []) {
      const row = byKey.get(j.key);
      if (row?.state === "done") continue;
      for (const d of j.deps) {
        const list = out.get(d) ?? [];
        const label = `${jobLabel(j)} (${row?.state ?? "todo"}, ${manifest!.experiment})`;
        if (!list.includes(label)) list.push(label);
        out.set(d, list);
      }
    }
  }
  return out;
}

/** What cleaning `jobs` would do. */
export function planClean(view: WorkspaceView, jobs: readonly JobRow[], force: boolean): CleanPlan {
  const needed = neededBy(view);
  const plan: CleanPlan = { remove: [], refused: [], experiments: [] };
  for (const job of jobs) {
    const finished = markerState(view.workspace, job) !== undefined;
    if (["running", "queued", "submitted"].includes(job.state)) plan.refused.push({ job, why: `${job.state}: kill it first (experimaestro jobs kill)` });
    else if (!finished) plan.refused.push({ job, why: `not finished (${job.state}): nothing to clean` });
    else if (needed.has(job.key) && !force) plan.refused.push({ job, why: `needed by ${needed.get(job.key)!.join(", ")} (--force deletes it anyway)` });
    else plan.remove.push(job);
  }
  const removed = new Set(plan.remove.map((j) => j.key));
  for (const { id, manifest } of view.experiments) if (manifest?.jobs.some((j) => removed.has(j.key))) plan.experiments.push(id);
  return plan;
}

/** Deletes the planned folders (a job that started meanwhile is skipped); returns the refusals added on the way. */
export function performClean(workspace: string, plan: CleanPlan): { job: JobRow; why: string }[] {
  const late: { job: JobRow; why: string }[] = [];
  for (const job of plan.remove) {
    const loc: JobLocation = job;
    if (lockHeld(workspace, loc)) {
      late.push({ job, why: "started meanwhile (its lock is held)" });
      continue;
    }
    const abs = join(workspace, job.dir);
    rmSync(abs, { recursive: true, force: true });
    try {
      rmdirSync(dirname(abs)); // the task folder, once empty
    } catch {
      /* not empty */
    }
  }
  return late;
}
