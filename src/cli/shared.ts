/** Pieces shared by the commands: the settings folder option, running and submitting a prepared plan. */
import { join, resolve as resolvePath } from "node:path";
import { experimentDir } from "../emit/paths.ts";
import { runExperiment, type RunSummary } from "../run/index.ts";
import { readManifest } from "../run/manifest.ts";
import { schedulersOf, submitAll } from "../submit/index.ts";
import { displayPath } from "../util/text.ts";
import { last, parallelOf, type Parsed } from "./args.ts";

export type Out = (line: string) => void;

export function configOpt(p: Parsed): { configDir?: string } {
  const dir = last(p, "--xpm-config-dir");
  return dir === undefined ? {} : { configDir: resolvePath(dir) };
}

function printSummary(s: RunSummary, out: Out): void {
  if (s.waiting.length) out(`${s.waiting.length} local jobs wait for jobs of another launcher: run \`experimaestro run\` again once those are done`);
  if (s.total > 0 && s.skipped.length === s.total) {
    out(`nothing to run: all ${s.total} jobs are already done`);
    return;
  }
  out(
    `${s.total - s.elsewhere.length} ${s.elsewhere.length ? "local jobs" : "jobs"}: ${s.skipped.length} already done, ${s.done.length} ran, ${s.failed.length} failed, ` +
      `${s.blocked.length} blocked by a failed dependency${s.notRun.length ? `, ${s.notRun.length} not run` : ""}`,
  );
  for (const f of s.failed) out(`  failed (${f.reason}, exit ${f.code}): ${f.key} — stderr: ${f.stderr}`);
}

function exitStatus(s: RunSummary): number {
  if (s.interrupted) return 130;
  return s.failed.length || s.blocked.length || s.notRun.length ? 1 : 0;
}

/** After writing: local jobs by the runner, then scheduler jobs by their drivers. */
export async function runAndSubmit(p: Parsed, workspace: string, id: string, out: Out, after: () => void): Promise<number> {
  const manifest = readManifest(workspace, id);
  const parallel = parallelOf(p);
  let status = 0;
  if (manifest.jobs.some((j) => j.backend === "local")) {
    const summary = await runExperiment({ workspace, experimentId: id, log: out, ...(parallel ? { parallel } : {}) });
    printSummary(summary, out);
    status = exitStatus(summary);
    if (summary.interrupted) return status;
  }
  if (schedulersOf(manifest).length) {
    const code = await submitAll(workspace, manifest, out);
    if (code !== 0) status = status || code;
    else out(`submitted: follow with \`experimaestro status ${displayPath(workspace)} ${id}\` (or bash ${join(displayPath(workspace), experimentDir(id), "status.sh")})`);
  }
  after();
  return status;
}
