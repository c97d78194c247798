/**
 * The local runner: executes a prepared manifest on this machine, in dependency order, within
 * the machine's capacity (cores, memory, GPUs). Job scripts write their own markers and hold a
 * lock while they run; the runner reads the markers, enforces time limits, retries, cancels on
 * Ctrl-C, and marks the dependents of a failed job `.failed` with reason `dependency`.
 * Killed at any moment, it can be started again: done jobs are kept, a job still running
 * (orphaned) is waited for through its lock, an interrupted one reruns from scratch.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism, totalmem } from "node:os";
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { ManifestJob } from "../emit/manifest.ts";
import { checkFits, Pool, type Allocation, type Capacity } from "./capacity.ts";
import { readManifest } from "./manifest.ts";
import { isDone, markerPath, readFailed, writeFailed, type FailReason } from "./markers.ts";

/** What the runner reports as it goes (rendered by the CLI: lines, or one live line on a terminal). */
export type RunEvent =
  | { kind: "started" | "done" | "blocked" | "busy" | "retry" | "waiting"; job: ManifestJob; detail?: string }
  | { kind: "failed"; job: ManifestJob; reason: FailReason; code: number }
  | { kind: "interrupted" };

export interface RunOptions {
  workspace: string;
  experimentId: string;
  /** Jobs at once, on top of the capacity (default: no limit beyond it). */
  parallel?: number;
  /** The machine (default: detected cores and memory, no GPU). */
  capacity?: Capacity;
  /** Stop starting jobs after the first failure (default: independent branches go on). */
  failFast?: boolean;
  /** Between SIGTERM and SIGKILL, for cancellations and time limits (default 10 s). */
  graceMs?: number;
  onEvent?: (e: RunEvent) => void;
}

export interface RunSummary {
  total: number;
  /** Already done before this run. */
  skipped: string[];
  done: string[];
  failed: { key: string; reason: FailReason; code: number; stderr: string }[];
  /** Not run because a dependency failed. */
  blocked: string[];
  /** Not run: interrupted, or --fail-fast stopped the run. */
  notRun: string[];
  /** Local jobs left for a later run: they depend on scheduler jobs that are not done yet. */
  waiting: string[];
  /** Jobs of other launchers (SLURM, OAR): the submit drivers handle them. */
  elsewhere: string[];
  interrupted: boolean;
}

type State = "pending" | "running" | "busy" | "done" | "failed" | "blocked" | "elsewhere";

/** Exit status of a job script that found its job already running (EX_TEMPFAIL). */
const BUSY = 75;
const POLL_MS = 200;

export function detectedCapacity(): Capacity {
  return { cores: availableParallelism(), memory: totalmem(), gpus: 0 };
}

interface Running {
  child: ChildProcess;
  alloc: Allocation;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Whether nobody holds a job's lock (flock released with its holder). */
function lockFree(workspace: string, job: ManifestJob): boolean {
  const lock = markerPath(workspace, job, "lock");
  if (!existsSync(lock)) return true;
  return spawnSync("flock", ["-n", lock, "true"]).status === 0;
}

/** Keeps the logs of a failed attempt as `<name>.out.<n>` / `<name>.err.<n>`. */
function keepLogs(workspace: string, job: ManifestJob, attempt: number): void {
  for (const ext of ["out", "err"]) {
    const path = markerPath(workspace, job, ext);
    if (existsSync(path)) renameSync(path, `${path}.${attempt}`);
  }
}

/** Runs every local job of a prepared experiment; resolves when nothing more can run. */
export async function runExperiment(opts: RunOptions): Promise<RunSummary> {
  const { workspace } = opts;
  const emit = opts.onEvent ?? (() => {});
  const grace = opts.graceMs ?? 10_000;
  const jobs = readManifest(workspace, opts.experimentId).jobs;
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  const state = new Map<string, State>();
  const attempts = new Map<string, number>();
  const summary: RunSummary = { total: jobs.length, skipped: [], done: [], failed: [], blocked: [], notRun: [], waiting: [], elsewhere: [], interrupted: false };
  for (const j of jobs) {
    const done = isDone(workspace, j);
    state.set(j.key, done ? "done" : j.backend === "local" ? "pending" : "elsewhere");
    if (done) summary.skipped.push(j.key);
    else if (j.backend !== "local") summary.elsewhere.push(j.key);
  }
  const capacity = opts.capacity ?? detectedCapacity();
  checkFits(jobs.filter((j) => state.get(j.key) === "pending"), capacity);
  const pool = new Pool(capacity);
  const limit = opts.parallel ?? Number.POSITIVE_INFINITY;
  const running = new Map<string, Running>();
  let stopping = false;
  let wake: () => void = () => {};

  const block = (failedKey: string) => {
    for (const j of jobs) {
      if (state.get(j.key) !== "pending" || !j.deps.includes(failedKey)) continue;
      state.set(j.key, "blocked");
      writeFailed(workspace, j, 1, "dependency");
      summary.blocked.push(j.key);
      emit({ kind: "blocked", job: j, detail: byKey.get(failedKey)!.task });
      block(j.key);
    }
  };

  const finish = (j: ManifestJob, r: Running, code: number | null) => {
    running.delete(j.key);
    pool.give(r.alloc);
    if (r.timer) clearTimeout(r.timer);
    if (isDone(workspace, j)) {
      state.set(j.key, "done");
      summary.done.push(j.key);
      emit({ kind: "done", job: j });
      return;
    }
    let marker = readFailed(workspace, j);
    if (!marker && code === BUSY) {
      state.set(j.key, "busy");
      emit({ kind: "busy", job: j });
      return;
    }
    if (!marker || r.timedOut) {
      marker = { code: code ?? 137, reason: r.timedOut ? "timeout" : stopping ? "cancelled" : "failed" };
      writeFailed(workspace, j, marker.code, marker.reason);
    }
    const attempt = attempts.get(j.key) ?? 0;
    if (!stopping && attempt < j.retry.max && (marker.reason === "failed" || marker.reason === "timeout")) {
      attempts.set(j.key, attempt + 1);
      keepLogs(workspace, j, attempt + 1);
      state.set(j.key, "pending");
      emit({ kind: "retry", job: j, detail: `attempt ${attempt + 2} of ${j.retry.max + 1} after ${marker.reason}` });
      return;
    }
    state.set(j.key, "failed");
    summary.failed.push({ key: j.key, reason: marker.reason, code: marker.code, stderr: markerPath(workspace, j, "err") });
    emit({ kind: "failed", job: j, reason: marker.reason, code: marker.code });
    // After a cancellation, dependents are simply not run (a later run starts them).
    if (marker.reason !== "cancelled") block(j.key);
    if (opts.failFast) stopping = true;
  };

  const start = (j: ManifestJob, alloc: Allocation) => {
    state.set(j.key, "running");
    emit({ kind: "started", job: j });
    const env = { ...process.env };
    if (alloc.gpus.length) env.CUDA_VISIBLE_DEVICES = alloc.gpus.join(",");
    // Own process group: a cancellation reaches the job's whole process tree.
    const child = spawn("bash", [`${j.name}.sh`], { cwd: join(workspace, j.dir), detached: true, stdio: "ignore", env });
    const r: Running = { child, alloc, timer: undefined, timedOut: false };
    const limitS = j.resources.duration === null ? undefined : j.resources.duration * j.retry.durationFactor ** (attempts.get(j.key) ?? 0);
    if (limitS !== undefined) {
      r.timer = setTimeout(() => {
        r.timedOut = true;
        // USR1: the script records a timeout and stops its command; SIGKILL after the grace period.
        if (child.pid) process.kill(child.pid, "SIGUSR1");
        setTimeout(() => killGroup(child.pid, "SIGKILL"), grace).unref();
      }, limitS * 1000);
    }
    running.set(j.key, r);
    child.on("error", () => {});
    child.on("close", (code) => {
      finish(j, r, code);
      wake();
    });
  };

  /** Starts what can start; returns false when nothing is left to do. */
  const step = (): boolean => {
    for (const j of jobs) {
      if (state.get(j.key) === "busy") {
        if (isDone(workspace, j)) {
          state.set(j.key, "done");
          summary.done.push(j.key);
          emit({ kind: "done", job: j });
        } else if (readFailed(workspace, j) || lockFree(workspace, j)) state.set(j.key, "pending");
      }
    }
    if (!stopping) {
      for (const j of jobs) {
        if (running.size >= limit) break;
        if (state.get(j.key) !== "pending" || !j.deps.every((d) => state.get(d) === "done")) continue;
        const alloc = pool.take(j);
        if (alloc) start(j, alloc);
      }
    }
    const busy = jobs.some((j) => state.get(j.key) === "busy");
    return running.size > 0 || (busy && !stopping);
  };

  const onSignal = () => {
    if (stopping && summary.interrupted) return;
    stopping = true;
    summary.interrupted = true;
    emit({ kind: "interrupted" });
    for (const r of running.values()) killGroup(r.child.pid, "SIGTERM");
    setTimeout(() => {
      for (const r of running.values()) killGroup(r.child.pid, "SIGKILL");
    }, grace).unref();
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    while (step()) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Busy jobs (held by another runner) are polled; running ones wake the loop on exit.
        if (jobs.some((j) => state.get(j.key) === "busy")) setTimeout(resolve, POLL_MS);
      });
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const waitsElsewhere = (j: ManifestJob): boolean => j.deps.some((d) => state.get(d) === "elsewhere" || (state.get(d) === "pending" && waitsElsewhere(byKey.get(d)!)));
  for (const j of jobs) {
    if (state.get(j.key) !== "pending" && state.get(j.key) !== "busy") continue;
    if (!summary.interrupted && !opts.failFast && waitsElsewhere(j)) {
      summary.waiting.push(j.key);
      emit({ kind: "waiting", job: j });
    } else summary.notRun.push(j.key);
  }
  return summary;
}
