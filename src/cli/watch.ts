/**
 * `experimaestro status <ws> <id> --watch`: the experiment's state, read again every
 * `--interval` seconds (default 1) from the workspace alone (markers, locks, scheduler, the jobs'
 * `<name>.progress`). On a terminal: a view redrawn in place (view/watch.ts), `q` or Ctrl-C
 * quits. Otherwise: the counts, then one line per state change. Either way it ends by itself
 * once nothing is running, queued or submitted and no run holds the experiment's lock (checked
 * twice in a row, so the gap between two jobs of a run does not end it).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { backends } from "../backends/index.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { readManifest, type Manifest, type ManifestJob } from "../model/manifest.ts";
import { EXPERIMENT_FILES, experimentFile, jobLabel, markerPath, readProgress } from "../model/workspace.ts";
import { experimentStatus } from "../submit/status.ts";
import { changeLines, countsLine, watchFrame, type WatchJob } from "../view/watch.ts";
import { last, type Parsed } from "./args.ts";
import { jobTimes, tailOf } from "./report.ts";
import type { Out } from "./shared.ts";

/** Whether a run holds the experiment's lock (`flock` on experiments/<id>/lock). */
export function experimentLockHeld(workspace: string, experimentId: string): boolean {
  const file = join(workspace, experimentFile(experimentId, EXPERIMENT_FILES.lock));
  return existsSync(file) && spawnSync("flock", ["-n", file, "true"]).status !== 0;
}

/**
 * Every job as the watch view shows it. A running job's time comes from its `<name>.pid`
 * (written when its command starts); without one, from when `firstSeen` (label -> ms) first saw
 * it running, shown as a lower bound.
 */
export function watchJobs(workspace: string, manifest: Manifest, firstSeen = new Map<string, number>()): WatchJob[] {
  const now = Date.now();
  const byKey = new Map<string, ManifestJob>(manifest.jobs.map((j) => [j.key, j]));
  return experimentStatus(workspace, manifest, backends).map((s) => {
    const j = byKey.get(s.key)!;
    const job: WatchJob = { label: jobLabel(s), state: s.state, detail: s.detail };
    if (s.state === "running") {
      if (!firstSeen.has(job.label)) firstSeen.set(job.label, now);
      job.seconds = jobTimes(workspace, j, now).seconds;
      if (job.seconds === undefined) {
        job.seconds = (now - firstSeen.get(job.label)!) / 1000;
        job.atLeast = true;
      }
      job.progress = readProgress(workspace, j);
    } else if (s.state === "failed") {
      job.lastErr = tailOf(markerPath(workspace, j, "err"), 1)[0];
      job.endedMs = Date.parse(jobTimes(workspace, j).endedAt ?? "") || undefined;
    }
    return job;
  });
}

const ACTIVE = new Set(["running", "queued", "submitted"]);

interface Screen {
  draw(lines: string[]): void;
  close(lines: string[]): void;
}

/** The terminal: the alternate screen, redrawn in place; on close the last frame stays on the normal screen. */
function terminalScreen(): Screen {
  const w = (s: string) => process.stdout.write(s);
  w("\x1b[?1049h\x1b[?25l");
  return {
    draw: (lines) => w(`\x1b[H\x1b[2J${lines.join("\n")}\n`),
    close(lines) {
      w("\x1b[?25h\x1b[?1049l");
      w(`${lines.join("\n")}\n`);
    },
  };
}

/** Resolves when `q`, Ctrl-C or the end of stdin is read (only on a terminal), or at SIGINT/SIGTERM. */
function quitSignal(tty: boolean): { promise: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  const onKey = (b: Buffer) => {
    const s = b.toString();
    if (s.includes("q") || s.includes("Q") || s.includes("\x03") || s.includes("\x04")) resolve();
  };
  const onSignal = () => resolve();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (tty && process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.on("data", onKey);
    process.stdin.resume();
  }
  return {
    promise,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      if (tty && process.stdin.isTTY) {
        process.stdin.off("data", onKey);
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
    },
  };
}

/** The loop: read, draw (or log changes), until quit or nothing is left to happen. */
export async function watch(workspace: string, experimentId: string, opts: { intervalMs: number; tty: boolean; out: Out }): Promise<"quit" | "finished"> {
  const manifest = readManifest(workspace, experimentId);
  const start = Date.now();
  const quit = quitSignal(opts.tty);
  let quitted = false;
  void quit.promise.then(() => (quitted = true));
  const screen = opts.tty ? terminalScreen() : undefined;
  const seen = new Map<string, string>();
  const firstSeen = new Map<string, number>();
  let idle = 0;
  let lines: string[] = [];
  try {
    for (let first = true; ; first = false) {
      const jobs = watchJobs(workspace, manifest, firstSeen);
      lines = watchFrame({ experiment: experimentId, jobs, elapsed: (Date.now() - start) / 1000, hint: "q or Ctrl-C quits" }, { width: process.stdout.columns });
      if (screen) screen.draw(lines);
      else if (first) {
        changeLines(seen, jobs);
        opts.out(`${experimentId}: ${countsLine(jobs)}`);
      } else for (const l of changeLines(seen, jobs)) opts.out(l);
      idle = jobs.some((j) => ACTIVE.has(j.state)) || experimentLockHeld(workspace, experimentId) ? 0 : idle + 1;
      if (idle >= 2 || quitted) break;
      await Promise.race([quit.promise, new Promise((r) => setTimeout(r, opts.intervalMs))]);
      if (quitted) break;
    }
  } finally {
    quit.dispose();
    screen?.close(lines);
  }
  if (!screen && !quitted) opts.out(`${experimentId}: nothing left running or queued: ${countsLine(watchJobs(workspace, manifest))}`);
  return quitted ? "quit" : "finished";
}

export async function watchCommand(p: Parsed, out: Out): Promise<number> {
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, "status --watch takes a workspace and an experiment id", { hint: "experimaestro status ./workspace my-experiment --watch" });
  const interval = Number(last(p, "--interval") ?? "1");
  if (!(interval > 0)) fail(Codes.USAGE, `--interval expects a positive number of seconds, got '${last(p, "--interval")}'`, { hint: "--interval 0.5" });
  const tty = process.stdout.isTTY === true;
  const workspace = resolvePath(ws);
  if ((await watch(workspace, id, { intervalMs: interval * 1000, tty, out })) === "quit") return 0;
  // Finished: the exit status of `status` (0 all done, 1 a failure or a block, 3 otherwise).
  const states = watchJobs(workspace, readManifest(workspace, id)).map((j) => j.state);
  return states.every((s) => s === "done") ? 0 : states.some((s) => s === "failed" || s === "blocked") ? 1 : 3;
}
