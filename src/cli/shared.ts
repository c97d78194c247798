/** Pieces shared by the commands: the settings folder option, the driver's host, printing a run. */
import { join, resolve as resolvePath } from "node:path";
import { formatDiagnostics } from "../model/diagnostics.ts";
import { experimentDir, experimentFile, EXPERIMENT_FILES } from "../model/workspace.ts";
import type { Host, RunOutcome, RunRequest } from "../run-prepared.ts";
import type { RunSummary } from "../run/index.ts";
import { displayPath } from "../util/text.ts";
import { last, parallelOf, type Parsed } from "./args.ts";
import { printSummary, reporter } from "./progress.ts";

export type Out = (line: string) => void;

export function configOpt(p: Parsed): { configDir?: string } {
  const dir = last(p, "--xpm-config-dir");
  return dir === undefined ? {} : { configDir: resolvePath(dir) };
}

export function runRequest(p: Parsed): RunRequest {
  return {
    parallel: parallelOf(p),
    failFast: p.flags.has("--fail-fast"),
    configDir: configOpt(p).configDir,
    services: !p.flags.has("--no-services"),
    keepServices: p.flags.has("--keep-services"),
  };
}

/** The driver's host: info lines on stdout, diagnostics on stderr, the runner's progress as lines or a live line. */
export function host(out: Out, err: Out): Host {
  return {
    info: out,
    warn: (diagnostics) => err(formatDiagnostics(diagnostics)),
    written(workspace, plan, report) {
      const xpDir = join(displayPath(workspace), experimentDir(plan.experimentId));
      out(`experiment ${plan.experimentId}: ${plan.jobs.length} jobs; ${report.written} file${report.written === 1 ? "" : "s"} written, ${report.unchanged} unchanged (${xpDir})`);
    },
    progress(total, workspace) {
      const r = reporter(out, total, process.stdout.isTTY === true && !process.env.CI, workspace);
      return {
        onEvent: r.onEvent,
        close(summary: RunSummary) {
          r.close();
          printSummary(summary, out);
        },
      };
    },
  };
}

function exitStatus(s: RunSummary): number {
  if (s.interrupted) return 130;
  return s.failed.length || s.blocked.length || s.notRun.length || s.foreign.length ? 1 : 0;
}

/** After a run: how to follow submitted jobs; returns the exit status. */
export function printRun(run: RunOutcome, workspace: string, experimentId: string, out: Out): number {
  let status = run.summary ? exitStatus(run.summary) : 0;
  if (run.submitted !== undefined) {
    if (run.submitted !== 0) status = status || run.submitted;
    else out(`submitted: follow with \`experimaestro status ${displayPath(workspace)} ${experimentId}\` (or bash ${join(displayPath(workspace), experimentFile(experimentId, EXPERIMENT_FILES.status))})`);
  }
  return status;
}
