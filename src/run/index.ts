/**
 * The local runner: executes a prepared manifest on this machine, in dependency order, within
 * the machine's capacity (cores, memory, GPUs). Job scripts write their own markers and hold a
 * lock while they run; the runner reads the markers, enforces time limits, retries, cancels on
 * Ctrl-C, and marks the dependents of a failed job `.failed` with reason `dependency`.
 * Stopping a job (time limit, Ctrl-C) is what a scheduler does: SIGTERM to the job script, which
 * records why and stops its command's process group, then SIGKILL after the grace period to
 * the script's group and to the command's (`<name>.pid`), so nothing the job started survives.
 * A job within its time limit is never signalled.
 * Killed at any moment, it can be started again: done jobs are kept, a job still running
 * (orphaned) is waited for through its lock, an interrupted one reruns from scratch.
 */
import { availableParallelism, totalmem } from "node:os";
import { appendFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readManifest, type ManifestJob } from "../model/manifest.ts";
import type { JobStateName } from "../model/state.ts";
import { isDone, isForeign, lockHeld, markerPath, readFailed, readRecordedId, writeFailed, type FailedMarker, type FailReason } from "../model/workspace.ts";
import { checkFits, Pool, type Allocation, type Capacity } from "./capacity.ts";
import { ReadyQueue } from "./queue.ts";
import { bashPath, Spawner, type JobProcess } from "./spawner.ts";

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
  /** Local jobs whose folder Python experimaestro prepared and did not finish: not ours to run. */
  foreign: string[];
  interrupted: boolean;
}

/** The states a job goes through in one run (the shared vocabulary, less what only schedulers say). */
type RunState = Extract<JobStateName, "todo" | "running" | "done" | "failed" | "blocked" | "elsewhere">;

/** Exit status of a job script that found its job already running (EX_TEMPFAIL). */
const BUSY = 75;
const POLL_MS = 200;

export function detectedCapacity(): Capacity {
  return { cores: availableParallelism(), memory: totalmem(), gpus: 0 };
}

interface Running {
  child: JobProcess;
  alloc: Allocation;
  /** The time limit, then the grace period after the SIGTERM. */
  timer: NodeJS.Timeout | undefined;
  /** Why the runner stopped it, if it did. */
  stoppedFor: "timeout" | "cancelled" | undefined;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The pid of a job's command process group, from the `<name>.pid` its script writes. */
function commandGroup(workspace: string, job: ManifestJob): number | undefined {
  const pid = Number(readRecordedId(workspace, job, "pid"));
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** Keeps the logs of a failed attempt as `<name>.out.<n>` / `<name>.err.<n>`. */
function keepLogs(workspace: string, job: ManifestJob, attempt: number): void {
  for (const ext of ["out", "err"]) {
    const path = markerPath(workspace, job, ext);
    if (existsSync(path)) renameSync(path, `${path}.${attempt}`);
  }
}

/**
 * The marker of a job script that ended without one: killed by a signal no script can trap
 * (kill -9, by the runner after the grace period or from outside: a cancellation unless the
 * runner knows better), or failed before its command (a folder it does not recognise).
 */
function markKilled(workspace: string, job: ManifestJob, code: number | null, reason: FailReason | undefined): FailedMarker {
  const killed = code === null || code > 128;
  const marker: FailedMarker = { code: code ?? 137, reason: reason ?? (killed ? "cancelled" : "failed") };
  writeFailed(workspace, job, marker.code, marker.reason);
  if (killed) {
    appendFileSync(markerPath(workspace, job, "err"), `experimaestro: killed, no signal to trap: ${marker.reason}\n`);
    rmSync(markerPath(workspace, job, "pid"), { force: true });
  }
  return marker;
}

/** One run over a manifest: the state of each job, what runs, and the summary. */
class Run {
  private readonly jobs: ManifestJob[];
  private readonly byKey: Map<string, ManifestJob>;
  private readonly state = new Map<string, RunState>();
  /** Each job's position in the manifest (its stable order) and the jobs that depend on it. */
  private readonly position = new Map<string, number>();
  private readonly dependents = new Map<string, ManifestJob[]>();
  /** Positions of the jobs that can start: todo, every dependency done (no scan of all jobs per event). */
  private readonly ready = new ReadyQueue();
  /** Jobs whose lock another process holds (a runner killed earlier, a second runner): polled. */
  private readonly held = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly running = new Map<string, Running>();
  private readonly pool: Pool;
  private readonly limit: number;
  private readonly grace: number;
  private readonly emit: (e: RunEvent) => void;
  readonly summary: RunSummary;
  private stopping = false;
  private wake: () => void = () => {};
  /** The bash processes that start the jobs, with the environment of every job (built once). */
  private readonly spawner: Spawner;

  constructor(private readonly opts: RunOptions) {
    this.jobs = readManifest(opts.workspace, opts.experimentId).jobs;
    this.byKey = new Map(this.jobs.map((j) => [j.key, j]));
    this.jobs.forEach((j, i) => {
      this.position.set(j.key, i);
      for (const d of j.deps) {
        const list = this.dependents.get(d);
        if (list) list.push(j);
        else this.dependents.set(d, [j]);
      }
    });
    const env = { ...process.env };
    delete env.XPM_TIME_LIMIT;
    this.spawner = new Spawner(bashPath(), env);
    this.emit = opts.onEvent ?? (() => {});
    this.grace = opts.graceMs ?? 10_000;
    this.limit = opts.parallel ?? Number.POSITIVE_INFINITY;
    this.summary = { total: this.jobs.length, skipped: [], done: [], failed: [], blocked: [], notRun: [], waiting: [], elsewhere: [], foreign: [], interrupted: false };
    for (const j of this.jobs) {
      const done = isDone(opts.workspace, j);
      // A folder Python experimaestro prepared is its to run: our script is not there.
      const ours = j.backend === "local" && (done || !isForeign(opts.workspace, j));
      this.state.set(j.key, done ? "done" : ours ? "todo" : "elsewhere");
      if (done) this.summary.skipped.push(j.key);
      else if (j.backend !== "local") this.summary.elsewhere.push(j.key);
      else if (!ours) this.summary.foreign.push(j.key);
    }
    for (const j of this.jobs) this.readyIfTodo(j);
    const capacity = opts.capacity ?? detectedCapacity();
    checkFits(this.pending(), capacity);
    this.pool = new Pool(capacity);
  }

  private pending(): ManifestJob[] {
    return this.jobs.filter((j) => this.state.get(j.key) === "todo");
  }

  /** A job back to (or still) todo: ready when its dependencies are done. */
  private setTodo(j: ManifestJob): void {
    this.state.set(j.key, "todo");
    this.readyIfTodo(j);
  }

  private readyIfTodo(j: ManifestJob): void {
    if (this.state.get(j.key) === "todo" && j.deps.every((d) => this.state.get(d) === "done")) this.ready.add(this.position.get(j.key)!);
  }

  private markDone(j: ManifestJob): void {
    this.state.set(j.key, "done");
    this.summary.done.push(j.key);
    this.emit({ kind: "done", job: j });
    for (const d of this.dependents.get(j.key) ?? []) this.readyIfTodo(d);
  }

  /** Marks the pending dependents of a failed job (transitively) `.failed` with reason `dependency`. */
  private block(failedKey: string): void {
    for (const j of this.dependents.get(failedKey) ?? []) {
      if (this.state.get(j.key) !== "todo") continue;
      this.state.set(j.key, "blocked");
      writeFailed(this.opts.workspace, j, 1, "dependency");
      this.summary.blocked.push(j.key);
      this.emit({ kind: "blocked", job: j, detail: this.byKey.get(failedKey)!.task });
      this.block(j.key);
    }
  }

  /** A failed attempt: retried when the job allows it (true), else the job failed (false). */
  private retried(j: ManifestJob, marker: FailedMarker): boolean {
    const attempt = this.attempts.get(j.key) ?? 0;
    if (this.stopping || attempt >= j.retry.max || (marker.reason !== "failed" && marker.reason !== "timeout")) return false;
    this.attempts.set(j.key, attempt + 1);
    keepLogs(this.opts.workspace, j, attempt + 1);
    this.setTodo(j);
    this.emit({ kind: "retry", job: j, detail: `attempt ${attempt + 2} of ${j.retry.max + 1} after ${marker.reason}` });
    return true;
  }

  private finish(j: ManifestJob, r: Running, code: number | null): void {
    const ws = this.opts.workspace;
    this.running.delete(j.key);
    this.pool.give(r.alloc);
    clearTimeout(r.timer);
    if (isDone(ws, j)) return this.markDone(j);
    let marker = readFailed(ws, j);
    // BUSY: another process holds the job's lock. No status (its slot died): the job may run on.
    if (!marker && (code === BUSY || (code === null && lockHeld(ws, j)))) {
      this.held.add(j.key);
      this.state.set(j.key, "running");
      this.emit({ kind: "busy", job: j });
      return;
    }
    // The runner knows why it stopped a job; the script's marker may be missing (SIGKILL).
    if (!marker) marker = markKilled(ws, j, code, r.stoppedFor ?? (this.stopping ? "cancelled" : undefined));
    else if (r.stoppedFor && marker.reason !== r.stoppedFor) {
      marker = { code: marker.code, reason: r.stoppedFor };
      writeFailed(ws, j, marker.code, marker.reason);
    }
    if (this.retried(j, marker)) return;
    this.state.set(j.key, "failed");
    this.summary.failed.push({ key: j.key, reason: marker.reason, code: marker.code, stderr: markerPath(ws, j, "err") });
    this.emit({ kind: "failed", job: j, reason: marker.reason, code: marker.code });
    // After a cancellation, dependents are simply not run (a later run starts them).
    if (marker.reason !== "cancelled") this.block(j.key);
    if (this.opts.failFast) this.stopping = true;
  }

  /** The time limit of this attempt, in seconds (it grows by the retry factor). */
  private limitOf(j: ManifestJob): number | undefined {
    return j.resources.duration === null ? undefined : j.resources.duration * j.retry.durationFactor ** (this.attempts.get(j.key) ?? 0);
  }

  private start(j: ManifestJob, alloc: Allocation): void {
    this.state.set(j.key, "running");
    this.emit({ kind: "started", job: j });
    const limitS = this.limitOf(j);
    // Its own process group (the script and what it runs in the foreground; the command has its
    // own). The script's watchdog enforces this attempt's limit too (run-local.sh relies on it).
    const r: Running = {
      child: this.spawner.start({
        cwd: join(this.opts.workspace, j.dir),
        script: `${j.name}.sh`,
        gpus: alloc.gpus.length ? alloc.gpus.join(",") : undefined,
        timeLimit: limitS === undefined ? undefined : String(Math.ceil(limitS)),
        onExit: (code) => {
          this.finish(j, r, code);
          this.wake();
        },
      }),
      alloc,
      timer: undefined,
      stoppedFor: undefined,
    };
    if (limitS !== undefined) r.timer = setTimeout(() => this.stop(j, r, "timeout"), limitS * 1000);
    this.running.set(j.key, r);
  }

  /**
   * Stops a running job as a scheduler would: SIGTERM to its script (which marks it and stops
   * its command), then, after the grace period, SIGKILL to the script's and the command's groups.
   */
  private stop(j: ManifestJob, r: Running, reason: "timeout" | "cancelled"): void {
    if (r.stoppedFor) return;
    r.stoppedFor = reason;
    clearTimeout(r.timer);
    r.child.kill("SIGTERM");
    r.timer = setTimeout(() => {
      const group = commandGroup(this.opts.workspace, j);
      killGroup(r.child.pid, "SIGKILL");
      killGroup(group, "SIGKILL");
    }, this.grace);
    r.timer.unref();
  }

  /** Held jobs: done when their holder finished them, back to todo when the lock is free again. */
  private pollHeld(): void {
    const ws = this.opts.workspace;
    for (const key of [...this.held]) {
      const j = this.byKey.get(key)!;
      if (isDone(ws, j)) {
        this.held.delete(key);
        this.markDone(j);
      } else if (readFailed(ws, j) || !lockHeld(ws, j)) {
        this.held.delete(key);
        this.setTodo(j);
      }
    }
  }

  /** Starts what can start; returns false when nothing is left to do. */
  private step(): boolean {
    this.pollHeld();
    if (!this.stopping) {
      // In manifest order, as a scan of every job would start them; what does not fit waits.
      const wait: number[] = [];
      while (this.running.size < this.limit) {
        const i = this.ready.pop();
        if (i === undefined) break;
        const j = this.jobs[i]!;
        if (this.state.get(j.key) !== "todo") continue;
        const alloc = this.pool.take(j);
        if (alloc) this.start(j, alloc);
        else wait.push(i);
      }
      for (const i of wait) this.ready.add(i);
    }
    return this.running.size > 0 || (this.held.size > 0 && !this.stopping);
  }

  readonly interrupt = (): void => {
    if (this.stopping && this.summary.interrupted) return;
    this.stopping = true;
    this.summary.interrupted = true;
    this.emit({ kind: "interrupted" });
    for (const [key, r] of this.running) this.stop(this.byKey.get(key)!, r, "cancelled");
    this.wake();
  };

  async loop(): Promise<void> {
    while (this.step()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        // Held jobs are polled; running ones wake the loop on exit.
        if (this.held.size > 0) setTimeout(resolve, POLL_MS);
      });
    }
  }

  /** Whether a job waits, directly or through pending local jobs, on a job of another launcher. */
  private waitsElsewhere(j: ManifestJob): boolean {
    return j.deps.some((d) => this.state.get(d) === "elsewhere" || (this.state.get(d) === "todo" && this.waitsElsewhere(this.byKey.get(d)!)));
  }

  closeSlots(): void {
    this.spawner.close();
  }

  /** Sorts what did not run into waiting (on scheduler jobs) and not run. */
  close(): RunSummary {
    for (const j of this.jobs) {
      const s = this.state.get(j.key);
      if (s !== "todo" && !this.held.has(j.key)) continue;
      if (!this.summary.interrupted && !this.opts.failFast && this.waitsElsewhere(j)) {
        this.summary.waiting.push(j.key);
        this.emit({ kind: "waiting", job: j });
      } else this.summary.notRun.push(j.key);
    }
    return this.summary;
  }
}

/** Runs every local job of a prepared experiment; resolves when nothing more can run. */
export async function runExperiment(opts: RunOptions): Promise<RunSummary> {
  const run = new Run(opts);
  process.on("SIGINT", run.interrupt);
  process.on("SIGTERM", run.interrupt);
  try {
    await run.loop();
  } finally {
    run.closeSlots();
    process.off("SIGINT", run.interrupt);
    process.off("SIGTERM", run.interrupt);
  }
  return run.close();
}
