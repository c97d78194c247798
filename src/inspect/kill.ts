/**
 * `jobs kill`: what would be killed, and killing it. A local job is stopped through its
 * process: SIGTERM to the job script (its trap stops the command and writes `.failed`
 * `cancelled`), SIGKILL to the script and its process group after a grace period. A SLURM or
 * OAR job is cancelled through its recorded id (`scancel`, `oardel`: the backend's
 * the backend's cancel command). Either way the job ends with `.failed` `cancelled` (written here when the
 * job could not write it: killed hard, or cancelled before it started), so its dependents
 * show as blocked. Folders experimaestro wrote get the signal but no marker from us.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { idWords, type Backends } from "../model/backend.ts";
import { isDone, lockHeld, readFailed, writeFailed } from "../model/workspace.ts";
import { parsePidFile } from "./experimaestro.ts";
import type { JobRow } from "./jobs.ts";
import { alive, descendants, recordedProcess, scriptProcesses, signal, waitFor } from "./process.ts";

/** How a job would be stopped. */
export type KillMethod = { kind: "process" } | { kind: "scheduler"; backend: string; id: string };

export interface KillTarget {
  job: JobRow;
  method: KillMethod;
}

export interface KillResult {
  job: JobRow;
  ok: boolean;
  /** What happened, for the user: `SIGTERM to pid 123`, `scancel 42`, or why it failed. */
  message: string;
}

/** States a kill applies to: the job runs, or a scheduler holds it. */
const KILLABLE = new Set(["running", "queued", "submitted", "blocked"]);

/** A scheduler id for the job: the recorded one (ours), or experimaestro's pid file of a non-local process. */
function schedulerOf(workspace: string, job: JobRow, backends: Backends): KillMethod | undefined {
  if (job.schedulerId && job.backend && backends.of(job.backend).scheduler) return { kind: "scheduler", backend: job.backend, id: job.schedulerId };
  if (job.origin !== "experimaestro") return undefined;
  let info: ReturnType<typeof parsePidFile>;
  try {
    info = parsePidFile(readFileSync(join(workspace, job.dir, `${job.name}.pid`), "utf8"));
  } catch {
    return undefined;
  }
  const backend = info && info.type !== "local" ? backends.schedulers().find((b) => b.key === info.type) : undefined;
  return backend && info ? { kind: "scheduler", backend: backend.key, id: info.pid } : undefined;
}

/** The jobs among `jobs` that a kill would stop, and how. */
export function killTargets(workspace: string, jobs: readonly JobRow[], backends: Backends): KillTarget[] {
  const out: KillTarget[] = [];
  for (const job of jobs) {
    if (!KILLABLE.has(job.state)) continue;
    const scheduled = schedulerOf(workspace, job, backends);
    if (scheduled) out.push({ job, method: scheduled });
    else if (job.state === "running") out.push({ job, method: { kind: "process" } });
  }
  return out;
}

/** After the job stopped: `.failed` `cancelled`, unless it finished meanwhile or experimaestro owns the folder. */
function markCancelled(workspace: string, job: JobRow): void {
  if (job.origin === "experimaestro" || isDone(workspace, job)) return;
  const marker = readFailed(workspace, job);
  // The runner or the script may have recorded our kill as a plain failure (exit 143 or 137).
  if (!marker || marker.reason === "failed") writeFailed(workspace, job, marker?.code ?? 143, "cancelled");
}

/** Sends a signal to each pid (those already gone are skipped). */
function send(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone meanwhile */
    }
  }
}

async function killProcess(workspace: string, job: JobRow, graceMs: number): Promise<KillResult> {
  const abs = join(workspace, job.dir);
  const scripts = scriptProcesses(abs, job.name);
  const recorded = recordedProcess(abs, job.name, scripts);
  const leaders = scripts.length ? scripts : recorded !== undefined ? [recorded] : [];
  if (!leaders.length) {
    const why = lockHeld(workspace, job) ? "its lock is held but no process of this machine runs it (another host?)" : "it is no longer running";
    return { job, ok: false, message: `no process found: ${why}` };
  }
  // Everything below the script, found now: once the script is gone, orphans are no longer its children.
  const tree = [...new Set([...leaders, ...(recorded !== undefined ? [recorded] : []), ...descendants(leaders)])];
  // The script first: its trap stops the command and writes the marker; then the rest of its tree.
  send(leaders, "SIGTERM");
  send(tree.filter((p) => !leaders.includes(p)), "SIGTERM");
  if (recorded !== undefined) signal(recorded, "SIGTERM");
  const gone = () => tree.every((p) => !alive(p)) && !lockHeld(workspace, job);
  let how = `SIGTERM to pid ${leaders.join(", ")}`;
  if (!(await waitFor(gone, graceMs))) {
    send(tree, "SIGKILL");
    if (recorded !== undefined) signal(recorded, "SIGKILL");
    how += `, SIGKILL after ${Math.round(graceMs / 1000)} s`;
    if (!(await waitFor(gone, 5_000))) return { job, ok: false, message: `${how}: still running` };
  }
  markCancelled(workspace, job);
  return { job, ok: true, message: how };
}

async function cancelScheduled(workspace: string, job: JobRow, method: Extract<KillMethod, { kind: "scheduler" }>, backends: Backends, graceMs: number): Promise<KillResult> {
  const cancel = backends.of(method.backend).scheduler!.cancel;
  const argv = [...cancel.command, ...idWords(cancel.ids, [method.id])];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  const how = argv.join(" ");
  if (r.error || r.status !== 0) return { job, ok: false, message: `${how} failed: ${(r.error?.message ?? r.stderr ?? "").trim() || `exit ${r.status}`}` };
  // A running job writes its own marker when the scheduler signals it; a queued one never starts.
  await waitFor(() => isDone(workspace, job) || readFailed(workspace, job) !== undefined || job.state !== "running", graceMs);
  markCancelled(workspace, job);
  return { job, ok: true, message: how };
}

/** Stops every target, one after the other. */
export async function performKill(workspace: string, targets: readonly KillTarget[], backends: Backends, graceMs = 10_000): Promise<KillResult[]> {
  const out: KillResult[] = [];
  for (const t of targets) {
    out.push(t.method.kind === "scheduler" ? await cancelScheduled(workspace, t.job, t.method, backends, graceMs) : await killProcess(workspace, t.job, graceMs));
  }
  return out;
}
