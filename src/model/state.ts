/**
 * The one vocabulary of job states, used by dry-run, the runner, `status`, `status.sh` and
 * every command that reads a workspace back. A state is read from the job's markers first
 * (done, failed), then from the scheduler or the job's lock (running, queued, blocked), then
 * from what was recorded (submitted) or not (not submitted, todo).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { isDone, isForeign, readFailed, type JobLocation } from "./workspace.ts";

export const JOB_STATES = ["done", "failed", "running", "queued", "blocked", "submitted", "not submitted", "todo", "elsewhere"] as const;

/**
 * - done: `.done` exists (written by us or by experimaestro)
 * - failed: `.failed` exists, with its reason
 * - running: the scheduler runs it, or a process holds its lock
 * - queued: the scheduler holds it, waiting for resources or dependencies
 * - blocked: a job it depends on failed; it will not run until that one is fixed
 * - submitted: a scheduler id was recorded, the scheduler no longer (or cannot) say more
 * - not submitted: a scheduler job that no driver submitted yet
 * - todo: a local job that has not run (or whose folder does not exist yet)
 * - elsewhere: not ours to run: a job of another launcher (SLURM, OAR) seen by the local runner,
 *   or a folder that Python experimaestro prepared (detail `experimaestro`)
 * A job that experimaestro finished is `done` with detail `experimaestro`.
 */
export type JobStateName = (typeof JOB_STATES)[number];

export interface JobState {
  state: JobStateName;
  /** failed: the reason; blocked: the failed job (its label) or the scheduler's reason; queued: the scheduler's reason. */
  detail?: string | undefined;
}

/**
 * What the job's own markers say (`.done`, then `.failed`, ours or experimaestro's), or
 * `elsewhere` for a folder experimaestro prepared and did not finish; undefined otherwise.
 */
export function markerState(workspace: string, job: JobLocation): JobState | undefined {
  if (isDone(workspace, job)) return isForeign(workspace, job) ? { state: "done", detail: EXPERIMAESTRO } : { state: "done" };
  const failed = readFailed(workspace, job);
  if (failed) return { state: "failed", detail: failed.reason };
  return isForeign(workspace, job) ? { state: "elsewhere", detail: EXPERIMAESTRO } : undefined;
}

/** The detail of a job whose folder Python experimaestro made. */
export const EXPERIMAESTRO = "experimaestro";

/** A state as shown to people: `failed (timeout)`, `blocked (by learn/0a1b2c3d)`, `queued (Priority)`. */
export function stateLabel(s: JobState): string {
  if (!s.detail) return s.state;
  return `${s.state} (${s.state === "blocked" ? "by " : ""}${s.detail})`;
}

/** Whether the job reached an end that needs someone's attention. */
export function isFailure(s: JobState): boolean {
  return s.state === "failed" || s.state === "blocked";
}

/**
 * The states of planned jobs from the disk alone (a dry run): `todo` where the job folder does
 * not exist, else what the markers say. Job folders are listed once per task, not probed one by one.
 */
export function diskStates(workspace: string): (job: { jobPath: string; name: string; hash: string }) => JobState {
  const listed = new Map<string, Set<string>>();
  const exists = (job: { jobPath: string; hash: string }) => {
    const parent = job.jobPath.slice(0, job.jobPath.lastIndexOf("/"));
    let set = listed.get(parent);
    if (!set) {
      try {
        set = new Set(readdirSync(join(workspace, parent)));
      } catch {
        set = new Set();
      }
      listed.set(parent, set);
    }
    return set.has(job.hash);
  };
  return (job) => (exists(job) && markerState(workspace, { dir: job.jobPath, name: job.name })) || { state: "todo" };
}
