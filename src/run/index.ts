/**
 * The local runner: executes a prepared manifest on this machine, up to N jobs at once, in
 * dependency order. The job scripts write their own markers; the runner reads them, skips jobs
 * already done, and marks the dependents of a failed job `.failed` with reason `dependency`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ManifestJob } from "../emit/manifest.ts";
import { readManifest } from "./manifest.ts";
import { isDone, markerPath, readFailed, writeFailed, type FailReason } from "./markers.ts";

export interface RunOptions {
  workspace: string;
  experimentId: string;
  /** How many jobs may run at once (default: the number of cores). */
  parallel?: number;
  /** Receives one line per state change. */
  log?: (line: string) => void;
}

export interface RunSummary {
  total: number;
  /** Already done before this run. */
  skipped: string[];
  /** Ran to completion in this run. */
  done: string[];
  failed: { key: string; reason: FailReason; code: number; stderr: string }[];
  /** Not run because a dependency failed. */
  blocked: string[];
  /** Not run because the run was interrupted. */
  notRun: string[];
  /** Local jobs left for a later run: they depend on scheduler jobs that are not done yet. */
  waiting: string[];
  /** Jobs of other launchers (SLURM, OAR): the submit drivers handle them. */
  elsewhere: string[];
  interrupted: boolean;
}

type State = "pending" | "running" | "done" | "failed" | "blocked" | "elsewhere";

/** Runs every local job of a prepared experiment; resolves when nothing more can run. */
export async function runExperiment(opts: RunOptions): Promise<RunSummary> {
  const { workspace } = opts;
  const log = opts.log ?? (() => {});
  const manifest = readManifest(workspace, opts.experimentId);
  const jobs = manifest.jobs;
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  const state = new Map<string, State>();
  const summary: RunSummary = { total: jobs.length, skipped: [], done: [], failed: [], blocked: [], notRun: [], waiting: [], elsewhere: [], interrupted: false };
  for (const j of jobs) {
    const done = isDone(workspace, j);
    state.set(j.key, done ? "done" : j.backend === "local" ? "pending" : "elsewhere");
    if (done) summary.skipped.push(j.key);
    else if (j.backend !== "local") summary.elsewhere.push(j.key);
  }
  /** A job that waits, directly or not, on a scheduler job that is not done. */
  const waitsElsewhere = (j: ManifestJob): boolean => j.deps.some((d) => state.get(d) === "elsewhere" || (state.get(d) === "pending" && waitsElsewhere(byKey.get(d)!)));
  const running = new Map<string, ChildProcess>();
  const limit = Math.max(1, opts.parallel ?? availableParallelism());
  let finished = summary.skipped.length;
  const label = (j: ManifestJob) => `${j.task}/${j.hash.slice(0, 8)}`;
  const progress = () => `[${finished}/${jobs.length}]`;

  const block = (failedKey: string) => {
    for (const j of jobs) {
      if (state.get(j.key) !== "pending" || !j.deps.some((d) => d === failedKey)) continue;
      state.set(j.key, "blocked");
      writeFailed(workspace, j, 1, "dependency");
      summary.blocked.push(j.key);
      finished++;
      log(`${progress()} blocked  ${label(j)} (dependency ${byKey.get(failedKey)!.task} failed)`);
      block(j.key);
    }
  };

  return new Promise<RunSummary>((resolvePromise) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      summary.interrupted = true;
      log("interrupted: stopping running jobs");
      for (const child of running.values()) if (child.pid) killGroup(child.pid, "SIGTERM");
      if (running.size === 0) settle();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const settle = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      for (const j of jobs) {
        if (state.get(j.key) !== "pending") continue;
        if (!summary.interrupted && waitsElsewhere(j)) {
          summary.waiting.push(j.key);
          log(`waiting  ${label(j)}: depends on jobs of another launcher; run again once they are done`);
        } else summary.notRun.push(j.key);
      }
      resolvePromise(summary);
    };

    const startReady = () => {
      if (stopping) return;
      for (const j of jobs) {
        if (running.size >= limit) break;
        if (state.get(j.key) !== "pending") continue;
        if (!j.deps.every((d) => state.get(d) === "done")) continue;
        start(j);
      }
      if (running.size === 0) settle();
    };

    const start = (j: ManifestJob) => {
      state.set(j.key, "running");
      log(`${progress()} started  ${label(j)}`);
      // Own process group: a cancellation reaches the job's whole process tree.
      const child = spawn("bash", [`${j.name}.sh`], { cwd: join(workspace, j.dir), detached: true, stdio: "ignore" });
      running.set(j.key, child);
      child.on("error", () => {});
      child.on("close", () => {
        running.delete(j.key);
        finished++;
        if (isDone(workspace, j)) {
          state.set(j.key, "done");
          summary.done.push(j.key);
          log(`${progress()} done     ${label(j)}`);
        } else {
          const marker = readFailed(workspace, j) ?? { code: child.exitCode ?? 1, reason: "failed" as const };
          if (!readFailed(workspace, j)) writeFailed(workspace, j, marker.code, marker.reason);
          state.set(j.key, "failed");
          summary.failed.push({ key: j.key, reason: marker.reason, code: marker.code, stderr: markerPath(workspace, j, "err") });
          log(`${progress()} failed   ${label(j)} (${marker.reason}, exit ${marker.code}): see ${join(j.dir, `${j.name}.err`)}`);
          block(j.key);
        }
        if (stopping) {
          if (running.size === 0) settle();
        } else startReady();
      });
    };

    startReady();
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
