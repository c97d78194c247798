/**
 * How the runner's progress is shown: on a terminal, one live line (done, running, failed,
 * queued, elapsed, ETA, and the running jobs with their progress) with failures printed above
 * it; in CI or when piped, one plain line per state change. Then a summary table and the last
 * lines of each failed job's stderr.
 */
import { readFileSync } from "node:fs";
import type { ManifestJob } from "../model/manifest.ts";
import { jobLabel, readProgress, type JobProgress } from "../model/workspace.ts";
import type { RunEvent, RunSummary } from "../run/index.ts";
import { formatProgress } from "./format.ts";
import type { Out } from "./shared.ts";

const label = jobLabel;

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export interface Reporter {
  onEvent(e: RunEvent): void;
  /** Clears the live line (before the summary is printed). */
  close(): void;
}

/** The running jobs shown on the live line, at most. */
const SHOWN_RUNNING = 4;

/**
 * The live line: the counts, then the running jobs with their progress (`<name>.progress`),
 * cut to the terminal's width.
 */
export function liveLine(counts: string, running: readonly { label: string; progress: JobProgress | undefined }[], columns: number): string {
  const items = running.slice(0, SHOWN_RUNNING).map((r) => (r.progress ? `${r.label} ${formatProgress(r.progress)}` : r.label));
  if (running.length > SHOWN_RUNNING) items.push(`${running.length - SHOWN_RUNNING} more`);
  const text = items.length ? `${counts} | ${items.join(", ")}` : counts;
  return text.length < columns ? text : `${text.slice(0, Math.max(0, columns - 2))}…`;
}

export interface ReporterOptions {
  /** The workspace, to read the running jobs' progress (none: the live line shows no progress). */
  workspace?: string | undefined;
  /** Where the live line goes (default: stdout), and the terminal's width. */
  write?: (text: string) => void;
  columns?: () => number;
  /** How often the live line is refreshed while jobs run (default 1 s). */
  refreshMs?: number;
}

/** The running jobs and the terminal the live line is written to (refreshed while jobs run). */
class Terminal {
  readonly write: (text: string) => void;
  private readonly columns: () => number;
  private readonly active = new Map<string, ManifestJob>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ReporterOptions) {
    this.write = opts.write ?? ((text: string) => void process.stdout.write(text));
    this.columns = opts.columns ?? (() => process.stdout.columns || 120);
  }

  /** Follows which jobs run; `render` is called again every refresh period. */
  track(e: RunEvent, render: () => void): void {
    if (e.kind === "started") this.active.set(e.job.key, e.job);
    else if ("job" in e) this.active.delete(e.job.key);
    this.timer ??= setInterval(render, this.opts.refreshMs ?? 1000).unref();
  }

  show(counts: string): void {
    const ws = this.opts.workspace;
    const jobs = [...this.active.values()].map((j) => ({ label: label(j), progress: ws === undefined ? undefined : readProgress(ws, j) }));
    this.write(`\r\x1b[K${liveLine(counts, jobs, this.columns())}`);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.write("\r\x1b[K");
  }
}

export function reporter(out: Out, total: number, live: boolean, opts: ReporterOptions = {}): Reporter {
  const start = Date.now();
  const terminal = live ? new Terminal(opts) : undefined;
  let done = 0;
  let failed = 0;
  let running = 0;
  let finished = 0;
  const line = (text: string) => (terminal ? terminal.write(`\r\x1b[K${text}\n`) : out(text));
  const render = () => {
    const elapsed = Date.now() - start;
    const eta = finished > 0 ? ` ETA ${clock((elapsed / finished) * (total - finished))}` : "";
    terminal?.show(`${done} done, ${running} running, ${failed} failed, ${total - finished - running} queued — ${clock(elapsed)}${eta}`);
  };
  return {
    onEvent(e) {
      const n = () => `[${finished}/${total}]`;
      terminal?.track(e, render);
      switch (e.kind) {
        case "started":
          running++;
          if (!live) line(`${n()} started  ${label(e.job)}`);
          break;
        case "done":
          running = Math.max(0, running - 1);
          done++;
          finished++;
          if (!live) line(`${n()} done     ${label(e.job)}`);
          break;
        case "failed":
          running = Math.max(0, running - 1);
          failed++;
          finished++;
          line(`${n()} failed   ${label(e.job)} (${e.reason}, exit ${e.code}): see ${e.job.dir}/${e.job.name}.err`);
          break;
        case "blocked":
          finished++;
          line(`${n()} blocked  ${label(e.job)} (dependency ${e.detail} failed)`);
          break;
        case "retry":
          running = Math.max(0, running - 1);
          line(`${n()} retry    ${label(e.job)} (${e.detail})`);
          break;
        case "busy":
          running = Math.max(0, running - 1);
          line(`${n()} busy     ${label(e.job)} (running elsewhere: waiting for it)`);
          break;
        case "waiting":
          line(`waiting  ${label(e.job)}: depends on jobs of another launcher; run again once they are done`);
          break;
        case "interrupted":
          line("interrupted: cancelling running jobs");
          break;
      }
      render();
    },
    close() {
      terminal?.close();
    },
  };
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
