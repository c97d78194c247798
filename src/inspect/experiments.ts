/**
 * `experiments list`: each experiment of a workspace with its job counts by state, when it was
 * last prepared and last run. Ours: the prepare record's time (rewritten by every prepare), else
 * the manifest's; the last run is the newest end marker or log of its jobs. experimaestro's: its
 * current run's start and end (status.json), else the same file times.
 */
import { join } from "node:path";
import { JOB_STATES, type JobStateName } from "../model/state.ts";
import { manifestPath } from "../model/manifest.ts";
import { preparedRecord } from "../model/workspace.ts";
import { mtime } from "./experimaestro.ts";
import type { WorkspaceView } from "./jobs.ts";

export interface ExperimentRow {
  id: string;
  /** Who prepared it: us (a manifest), experimaestro (a run folder), or both under one id. */
  tool: "experimaestro-ts" | "experimaestro" | "both";
  jobs: number;
  counts: Partial<Record<JobStateName, number>>;
  /** ms since the epoch. */
  lastPrepare: number | undefined;
  lastRun: number | undefined;
  /** experimaestro records the host of its run. */
  hostname: string | undefined;
}

const newest = (times: (number | undefined)[]) => times.reduce<number | undefined>((a, t) => (t !== undefined && (a === undefined || t > a) ? t : a), undefined);

export function experimentRows(view: WorkspaceView): ExperimentRow[] {
  const ws = view.workspace;
  return view.experiments.map(({ id, manifest, run }) => {
    const jobs = view.jobs.filter((j) => j.experiments.includes(id));
    const counts: Partial<Record<JobStateName, number>> = {};
    for (const s of JOB_STATES) {
      const n = jobs.filter((j) => j.state === s).length;
      if (n) counts[s] = n;
    }
    const ran = (ext: string) => jobs.map((j) => mtime(join(ws, j.dir, `${j.name}.${ext}`)));
    const lastRun = newest([...ran("done"), ...ran("failed"), ...ran("err"), run?.endedAt]);
    const prepared = manifest ? (mtime(join(ws, preparedRecord(id))) ?? mtime(join(ws, manifestPath(id)))) : undefined;
    return {
      id,
      tool: manifest && run ? "both" : manifest ? "experimaestro-ts" : "experimaestro",
      jobs: jobs.length,
      counts,
      lastPrepare: newest([prepared, run?.startedAt]),
      lastRun,
      hostname: run?.hostname,
    };
  });
}
