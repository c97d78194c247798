/**
 * status: one row per job from its markers, its recorded scheduler id and what the scheduler
 * says (squeue / oarstat, when reachable), in the shared job-state vocabulary (model/state.ts).
 * A job whose dependency failed is "blocked", never "waiting" — including SLURM's
 * DependencyNeverSatisfied.
 */
import { spawnSync } from "node:child_process";
import type { Backends, SchedulerJobState } from "../model/backend.ts";
import type { Manifest, ManifestJob } from "../model/manifest.ts";
import { isFailure, markerState, type JobState } from "../model/state.ts";
import { jobLabel, lockHeld, readProgress, readRecordedId, type JobProgress } from "../model/workspace.ts";
import { hasCommand } from "./index.ts";

export interface JobStatus extends JobState {
  key: string;
  task: string;
  hash: string;
  backend: string;
  schedulerId: string | undefined;
  /** A running job's last `<name>.progress` (written by execute tasks), if any. */
  progress?: JobProgress;
}

/** Asks each scheduler about the recorded ids of its jobs (one call per scheduler). */
function schedulerStates(manifest: Manifest, ids: Map<string, string>, backends: Backends): Map<string, SchedulerJobState> {
  const out = new Map<string, SchedulerJobState>();
  const byBackend = new Map<string, string[]>();
  for (const j of manifest.jobs) {
    const id = ids.get(j.key);
    if (id) byBackend.set(j.backend, [...(byBackend.get(j.backend) ?? []), id]);
  }
  for (const [key, list] of byBackend) {
    const scheduler = backends.of(key).scheduler!;
    const argv = scheduler.statusArgv(list);
    if (!hasCommand(argv[0]!)) continue;
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    for (const [id, s] of scheduler.parseStatus(r.stdout ?? "")) out.set(`${key}:${id}`, s);
  }
  return out;
}

/** One job's state: markers, then the scheduler or its lock, then what was recorded. */
function stateOf(workspace: string, j: ManifestJob, s: SchedulerJobState | undefined, failedParent: JobStatus | undefined, scheduled: boolean, id: string | undefined): JobState {
  const marked = markerState(workspace, j);
  if (marked?.state === "done") return marked;
  if (s?.state === "running" || (!scheduled && !marked && lockHeld(workspace, j))) return { state: "running" };
  if (s?.state === "blocked" || (failedParent && (!marked || marked.detail === "dependency"))) {
    return { state: "blocked", detail: failedParent ? jobLabel(failedParent) : s?.reason };
  }
  if (s?.state === "queued") return { state: "queued", detail: s.reason };
  if (marked) return marked;
  if (id) return { state: "submitted" };
  return { state: scheduled ? "not submitted" : "todo" };
}

/** The state of every job of a prepared experiment. */
export function experimentStatus(workspace: string, manifest: Manifest, backends: Backends): JobStatus[] {
  const ids = new Map<string, string>();
  for (const j of manifest.jobs) {
    const ext = backends.of(j.backend).scheduler?.idExtension;
    const id = ext ? readRecordedId(workspace, j, ext) : undefined;
    if (id) ids.set(j.key, id);
  }
  const sched = schedulerStates(manifest, ids, backends);
  const rows = new Map<string, JobStatus>();
  for (const j of manifest.jobs) {
    const id = ids.get(j.key);
    const s = id ? sched.get(`${j.backend}:${id}`) : undefined;
    const failedParent = j.deps.map((d) => rows.get(d)!).find(isFailure);
    const state = stateOf(workspace, j, s, failedParent, backends.of(j.backend).scheduler !== undefined, id);
    const progress = state.state === "running" ? readProgress(workspace, j) : undefined;
    rows.set(j.key, { key: j.key, task: j.task, hash: j.hash, ...state, detail: state.detail, backend: j.backend, schedulerId: id, ...(progress ? { progress } : {}) });
  }
  return [...rows.values()];
}
