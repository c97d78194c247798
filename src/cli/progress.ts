/**
 * How the runner's progress is shown: on a terminal, one live line (done, running, failed,
 * queued, elapsed, ETA) with failures printed above it; in CI or when piped, one plain line
 * per state change. Then a summary table and the last lines of each failed job's stderr.
 */
import { readFileSync } from "node:fs";
import { jobLabel } from "../model/workspace.ts";
import type { RunEvent, RunSummary } from "../run/index.ts";
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

export function reporter(out: Out, total: number, live: boolean): Reporter {
  const start = Date.now();
  let done = 0;
  let failed = 0;
  let running = 0;
  let finished = 0;
  const line = (text: string) => (live ? process.stdout.write(`\r\x1b[K${text}\n`) : out(text));
  const render = () => {
    if (!live) return;
    const elapsed = Date.now() - start;
    const eta = finished > 0 ? ` ETA ${clock((elapsed / finished) * (total - finished))}` : "";
    process.stdout.write(`\r\x1b[K${done} done, ${running} running, ${failed} failed, ${total - finished - running} queued — ${clock(elapsed)}${eta}`);
  };
  return {
    onEvent(e) {
      const n = () => `[${finished}/${total}]`;
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
      if (live) process.stdout.write("\r\x1b[K");
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
