/**
 * status: one row per job from its markers, its recorded scheduler id and what the scheduler
 * says (squeue / oarstat, when reachable). A job whose dependency failed is "blocked", never
 * "waiting" — including SLURM's DependencyNeverSatisfied.
 */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { backendFor, type SchedulerJobState } from "../backends/index.ts";
import type { Manifest, ManifestJob } from "../emit/manifest.ts";
import { isDone, markerPath, readFailed } from "../run/markers.ts";
import { hasCommand } from "./index.ts";

export type StatusState = "done" | "failed" | "running" | "queued" | "blocked" | "submitted" | "not submitted" | "not run";

export interface JobStatus {
  key: string;
  task: string;
  hash: string;
  state: StatusState;
  /** failed: the marker's reason; blocked: the failed job; queued: the scheduler's reason. */
  detail: string | undefined;
  backend: string;
  schedulerId: string | undefined;
}

function recordedId(workspace: string, job: ManifestJob): string | undefined {
  const ext = backendFor(job.backend).scheduler?.idExtension;
  if (!ext) return undefined;
  try {
    return readFileSync(markerPath(workspace, job, ext), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Asks each scheduler about the recorded ids of its jobs (one call per scheduler). */
function schedulerStates(manifest: Manifest, ids: Map<string, string>): Map<string, SchedulerJobState> {
  const out = new Map<string, SchedulerJobState>();
  const byBackend = new Map<string, string[]>();
  for (const j of manifest.jobs) {
    const id = ids.get(j.key);
    if (id) byBackend.set(j.backend, [...(byBackend.get(j.backend) ?? []), id]);
  }
  for (const [key, list] of byBackend) {
    const scheduler = backendFor(key).scheduler!;
    const argv = scheduler.statusArgv(list);
    if (!hasCommand(argv[0]!)) continue;
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    for (const [id, s] of scheduler.parseStatus(r.stdout ?? "")) out.set(`${key}:${id}`, s);
  }
  return out;
}

/** The state of every job of a prepared experiment. */
export function experimentStatus(workspace: string, manifest: Manifest): JobStatus[] {
  const ids = new Map<string, string>();
  for (const j of manifest.jobs) {
    const id = recordedId(workspace, j);
    if (id) ids.set(j.key, id);
  }
  const sched = schedulerStates(manifest, ids);
  const rows = new Map<string, JobStatus>();
  for (const j of manifest.jobs) {
    const id = ids.get(j.key);
    const s = id ? sched.get(`${j.backend}:${id}`) : undefined;
    const row: JobStatus = { key: j.key, task: j.task, hash: j.hash, state: "not run", detail: undefined, backend: j.backend, schedulerId: id };
    const failedParent = j.deps.map((d) => rows.get(d)!).find((p) => p.state === "failed" || p.state === "blocked");
    const failed = readFailed(workspace, j);
    if (isDone(workspace, j)) row.state = "done";
    else if (s?.state === "running") row.state = "running";
    else if (s?.state === "blocked" || (failedParent && (!failed || failed.reason === "dependency"))) {
      row.state = "blocked";
      row.detail = failedParent ? `${failedParent.task}/${failedParent.hash.slice(0, 8)}` : s?.reason;
    } else if (s?.state === "queued") {
      row.state = "queued";
      row.detail = s.reason;
    } else if (failed) {
      row.state = "failed";
      row.detail = failed.reason;
    } else if (id) row.state = "submitted";
    else row.state = backendFor(j.backend).scheduler ? "not submitted" : "not run";
    rows.set(j.key, row);
  }
  return [...rows.values()];
}

/** The table printed by `experimaestro status`. */
export function formatStatus(rows: readonly JobStatus[]): string {
  const lines = rows.map((r) => {
    const state = r.detail ? `${r.state} (${r.state === "blocked" ? "by " : ""}${r.detail})` : r.state;
    return [`${r.task}/${r.hash.slice(0, 8)}`, state, r.schedulerId ? `${r.backend} ${r.schedulerId}` : ""];
  });
  const w0 = Math.max(4, ...lines.map((l) => l[0]!.length));
  const w1 = Math.max(5, ...lines.map((l) => l[1]!.length));
  return [["job", "state", "scheduler id"], ...lines].map(([a, b, c]) => `${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`.trimEnd()).join("\n");
}
