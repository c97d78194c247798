/**
 * status: one row per job from its markers, its recorded scheduler id and what the scheduler
 * says of it, read with the scheduler's declared query and state table (the ones status.sh and
 * the submit drivers use), in the shared job-state vocabulary (model/state.ts). A job whose
 * dependency failed is "blocked", never "waiting"; a job the scheduler ended without a marker
 * (cancelled while queued, failed to launch) is "failed" with the scheduler's reason.
 */
import { statSync } from "node:fs";
import { END_REASONS, askAccounting, categorize, type Backends, type Scheduler, type SchedulerCategory, type StateLine } from "../model/backend.ts";
import type { Manifest, ManifestJob } from "../model/manifest.ts";
import { isFailure, markerState, type JobState } from "../model/state.ts";
import { isDone, jobLabel, lockHeld, markerPath, readContinuation, readProgress, readRecordedId, type JobProgress } from "../model/workspace.ts";
import { hasCommand } from "./index.ts";
import { ask, type Runner } from "./query.ts";

export interface JobStatus extends JobState {
  key: string;
  task: string;
  hash: string;
  backend: string;
  schedulerId: string | undefined;
  /** A running job's last `<name>.progress` (written by execute tasks), if any. */
  progress?: JobProgress;
}

/** What one scheduler said of its recorded ids; `error` when it could not be asked. */
interface SchedulerView {
  lines: Map<string, StateLine>;
  answered: boolean;
  error: string | undefined;
}

/**
 * Asks a scheduler about ids: its queue, then its accounting for the ids the queue forgot or
 * says ended without saying why.
 */
function askScheduler(s: Scheduler, ids: string[], run: Runner | undefined): SchedulerView {
  if (!run && !hasCommand(s.status.command[0]!)) return { lines: new Map(), answered: false, error: undefined };
  const answer = ask(s.status, ids, run);
  if (answer.error) return { lines: answer.lines, answered: false, error: answer.error };
  const unexplained = ids.filter((id) => askAccounting(s, answer.lines.get(id)));
  if (s.accounting && unexplained.length && (run || hasCommand(s.accounting.command[0]!))) {
    const acct = ask(s.accounting, unexplained, run);
    for (const [id, line] of acct.lines) answer.lines.set(id, line);
  }
  return { lines: answer.lines, answered: true, error: undefined };
}

/** The reason shown for a job that ended: what the scheduler says, else `lost` (it left no marker). */
function endReason(c: SchedulerCategory | "absent" | "unknown"): string {
  return (END_REASONS as readonly string[]).includes(c) ? c : "lost";
}

/** The name the scheduler knows a job's recorded id by: its array's for an array element, else its own. */
function knownAs(s: Scheduler, id: string, j: ManifestJob, arrayName: string | undefined): string {
  return arrayName !== undefined && s.arrays && new RegExp(s.arrays.elementPattern).test(id) ? arrayName : jobLabel(j, "-");
}

/** Whether file a was modified after file b (bash's `-nt`); false when either is missing. */
function newerThan(a: string, b: string): boolean {
  try {
    return statSync(a).mtimeMs > statSync(b).mtimeMs;
  } catch {
    return false;
  }
}

/** One job's state: markers, then the scheduler or its lock, then what was recorded. */
function stateOf(workspace: string, j: ManifestJob, line: StateLine | undefined, view: SchedulerView | undefined, failedParent: JobStatus | undefined, s: Scheduler | undefined, id: string | undefined, arrayName: string | undefined): JobState {
  const marked = markerState(workspace, j);
  if (marked?.state === "done") return marked;
  const c = s && id && view?.answered ? categorize(s, line, knownAs(s, id, j, arrayName)) : undefined;
  // A job below a failed one is blocked even while a scheduler launches it: OAR's -a starts it
  // once the parent ended, however it ended, and its script then refuses to run.
  if (failedParent && (!marked || marked.detail === "dependency")) return { state: "blocked", detail: jobLabel(failedParent) };
  // A job script clears its markers when it starts: a marker newer than the recorded submission
  // is this run's end, while the scheduler may still show the job finishing (SLURM's COMPLETING).
  const ending = marked !== undefined && s !== undefined && id !== undefined && newerThan(markerPath(workspace, j, "failed"), markerPath(workspace, j, s.idExtension));
  if ((c === "running" && !ending) || (!s && !marked && lockHeld(workspace, j))) return { state: "running" };
  if (c === "blocked") return { state: "blocked", detail: line?.reason };
  if (c === "queued" || c === "unknown") return { state: "queued", detail: line?.reason ?? line?.raw };
  if (marked) {
    // The job's own marker says why it ended; but a time limit ends in SIGTERM, which the job
    // may take for a cancellation, and the scheduler knows better.
    return marked.detail === "cancelled" && c === "timeout" ? { state: "failed", detail: c } : marked;
  }
  if (c !== undefined) return { state: "failed", detail: endReason(c) };
  if (id) return { state: "submitted", detail: view?.error };
  return { state: s ? "not submitted" : "todo" };
}

/** A job in a continuation of its own (the recorded id is that run's): one job, `continuation n/m` in its detail. */
function continued(workspace: string, j: ManifestJob, id: string | undefined, state: JobState): JobState {
  if (state.state !== "running" && state.state !== "queued") return state;
  const c = readContinuation(workspace, j);
  if (!c || c.id !== id) return state;
  const note = `continuation ${c.run}/${c.max}`;
  return { ...state, detail: state.detail ? `${note}, ${state.detail}` : note };
}

/** The state of every job of a prepared experiment; `run` replaces the scheduler commands (tests). */
export function experimentStatus(workspace: string, manifest: Manifest, backends: Backends, run?: Runner): JobStatus[] {
  const ids = new Map<string, string>();
  const byBackend = new Map<string, string[]>();
  for (const j of manifest.jobs) {
    const s = backends.of(j.backend).scheduler;
    const id = s ? readRecordedId(workspace, j, s.idExtension) : undefined;
    if (!id) continue;
    ids.set(j.key, id);
    // A job that is done needs no asking.
    if (!isDone(workspace, j)) byBackend.set(j.backend, [...(byBackend.get(j.backend) ?? []), id]);
  }
  const views = new Map([...byBackend].map(([key, list]) => [key, askScheduler(backends.of(key).scheduler!, list, run)]));
  const rows = new Map<string, JobStatus>();
  const arrayOf = new Map((manifest.arrays ?? []).flatMap((a) => a.jobs.map((k) => [k, a.name] as const)));
  for (const j of manifest.jobs) {
    const id = ids.get(j.key);
    const view = views.get(j.backend);
    const failedParent = j.deps.map((d) => rows.get(d)!).find(isFailure);
    const state = continued(workspace, j, id, stateOf(workspace, j, id ? view?.lines.get(id) : undefined, view, failedParent, backends.of(j.backend).scheduler, id, arrayOf.get(j.key)));
    const progress = state.state === "running" ? readProgress(workspace, j) : undefined;
    rows.set(j.key, { key: j.key, task: j.task, hash: j.hash, ...state, detail: state.detail, backend: j.backend, schedulerId: id, ...(progress ? { progress } : {}) });
  }
  return [...rows.values()];
}
