/**
 * How the runner's progress is shown: on a terminal, a live view redrawn in place (counts,
 * the running jobs with their time and `<name>.progress`, the last failures; view/watch.ts),
 * failures also printed above it; in CI or when piped, one plain line per state change. Then a summary table and the last lines of each failed job's stderr.
 */
import { readFileSync } from "node:fs";
import type { ManifestJob } from "../model/manifest.ts";
import { jobLabel, markerPath, readProgress } from "../model/workspace.ts";
import type { RunEvent, RunSummary } from "../run/index.ts";
import { clock } from "../util/format.ts";
import { watchFrame, type WatchJob } from "../view/watch.ts";
import type { Out } from "./shared.ts";

const label = jobLabel;


export interface Reporter {
  onEvent(e: RunEvent): void;
  /** Clears the live line (before the summary is printed). */
  close(): void;
}

/** What the live view knows of a run, from the runner's events. */
interface LiveState {
  start: number;
  total: number;
  done: number;
  failed: number;
  blocked: number;
  finished: number;
  running: Map<string, { job: ManifestJob; since: number }>;
  failures: WatchJob[];
}

/** The live view's lines (view/watch.ts): counts, running jobs with time and progress, last failures. */
function liveFrame(st: LiveState, workspace: string | undefined): string[] {
  const now = Date.now();
  const running: WatchJob[] = [...st.running.values()].map(({ job, since }) => ({
    label: label(job),
    state: "running",
    seconds: (now - since) / 1000,
    progress: workspace ? readProgress(workspace, job) : undefined,
  }));
  const queued = st.total - st.finished - st.running.size;
  const counts: Array<[string, number]> = [["done", st.done], ["running", st.running.size], ["failed", st.failed], ["blocked", st.blocked], ["queued", queued]];
  const elapsed = now - st.start;
  const eta = st.finished > 0 && queued + st.running.size > 0 ? `ETA ${clock((elapsed / st.finished) * (st.total - st.finished) / 1000)}` : undefined;
  return watchFrame(
    { experiment: "run", jobs: [...running, ...st.failures], elapsed: elapsed / 1000, counts: counts.filter(([, n]) => n > 0), ...(eta ? { hint: eta } : {}) },
    { width: process.stdout.columns || 120, maxRunning: 8, maxFailures: 3 },
  );
}

/**
 * The live view on a terminal: a few lines redrawn in place (every event, and every second for
 * the times and progress), with the failures also printed above it, where they stay.
 */
function liveScreen(st: LiveState, workspace: string | undefined): { line(text: string): void; render(): void; close(): void } {
  let drawn = 0;
  const clear = () => (drawn ? `\x1b[${drawn}F\x1b[J` : "");
  const render = () => {
    const lines = liveFrame(st, workspace);
    process.stdout.write(`${clear()}${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(render, 1000);
  timer.unref();
  return {
    line(text) {
      process.stdout.write(`${clear()}${text}\n`);
      drawn = 0;
    },
    render,
    close() {
      clearInterval(timer);
      process.stdout.write(clear());
      drawn = 0;
    },
  };
}

export function reporter(out: Out, total: number, live: boolean, workspace?: string): Reporter {
  const st: LiveState = { start: Date.now(), total, done: 0, failed: 0, blocked: 0, finished: 0, running: new Map(), failures: [] };
  const screen = live ? liveScreen(st, workspace) : undefined;
  const line = (text: string) => (screen ? screen.line(text) : out(text));
  const stopped = (e: { job: ManifestJob }) => st.running.delete(e.job.key);
  return {
    onEvent(e) {
      const n = () => `[${st.finished}/${total}]`;
      switch (e.kind) {
        case "started":
          st.running.set(e.job.key, { job: e.job, since: Date.now() });
          if (!live) line(`${n()} started  ${label(e.job)}`);
          break;
        case "done":
          stopped(e);
          st.done++;
          st.finished++;
          if (!live) line(`${n()} done     ${label(e.job)}`);
          break;
        case "failed":
          stopped(e);
          st.failed++;
          st.finished++;
          st.failures.unshift({ label: label(e.job), state: "failed", detail: `${e.reason}, exit ${e.code}`, lastErr: workspace ? lastLine(markerPath(workspace, e.job, "err")) : undefined });
          line(`${n()} failed   ${label(e.job)} (${e.reason}, exit ${e.code}): see ${e.job.dir}/${e.job.name}.err`);
          break;
        case "blocked":
          st.blocked++;
          st.finished++;
          line(`${n()} blocked  ${label(e.job)} (dependency ${e.detail} failed)`);
          break;
        case "retry":
          stopped(e);
          line(`${n()} retry    ${label(e.job)} (${e.detail})`);
          break;
        case "busy":
          stopped(e);
          line(`${n()} busy     ${label(e.job)} (running elsewhere: waiting for it)`);
          break;
        case "waiting":
          line(`waiting  ${label(e.job)}: depends on jobs of another launcher; run again once they are done`);
          break;
        case "interrupted":
          line("interrupted: cancelling running jobs");
          break;
      }
      screen?.render();
    },
    close() {
      screen?.close();
    },
  };
}

function lastLine(path: string): string | undefined {
  const t = tail(path, 1)[0];
  return t === "(no stderr file)" ? undefined : t;
}

function tail(path: string, lines: number): string[] {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines);
  } catch {
    return ["(no stderr file)"];
  }
}

/** The closing table, and for each failed job its stderr's last lines. */
export function printSummary(s: RunSummary, out: Out): void {
  if (s.foreign.length) {
    out(`${s.foreign.length} job${s.foreign.length === 1 ? " is" : "s are"} in folders that Python experimaestro prepared and did not finish: run ${s.foreign.length === 1 ? "it" : "them"} with experimaestro, or delete ${s.foreign.length === 1 ? "its folder" : "their folders"} to run ${s.foreign.length === 1 ? "it" : "them"} here:`);
    for (const key of s.foreign.slice(0, 10)) out(`  jobs/${key}`);
  }
  if (s.waiting.length) out(`${s.waiting.length} local jobs wait for jobs of another launcher: run \`experimaestro run\` again once those are done`);
  if (s.total > 0 && s.skipped.length === s.total) {
    out(`nothing to run: all ${s.total} jobs are already done`);
    return;
  }
  out(
    `${s.total - s.elsewhere.length} ${s.elsewhere.length ? "local jobs" : "jobs"}: ${s.skipped.length} already done, ${s.done.length} ran, ${s.failed.length} failed, ` +
      `${s.blocked.length} blocked by a failed dependency${s.notRun.length ? `, ${s.notRun.length} not run` : ""}`,
  );
  for (const f of s.failed) {
    out(`  failed (${f.reason}, exit ${f.code}): ${f.key} — stderr: ${f.stderr}`);
    for (const l of tail(f.stderr, 5)) out(`    | ${l}`);
  }
}
