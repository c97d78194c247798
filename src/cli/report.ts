/**
 * `experimaestro report <ws> <id> [-o FILE]`: one self-contained HTML page of a prepared
 * experiment (view/report.ts), by default `experiments/<id>/report.html`. Reads the manifest,
 * each job's state (as `status`), its markers' times, its stderr's tail; links to `.out`/`.err`
 * are relative to the page, so the report keeps working in a copied workspace. The states are
 * computed once (one round of scheduler queries) and every section reads them: the summary, the
 * graph, the jobs table and the results section's jobs.
 */
import { closeSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath, sep } from "node:path";
import { backends } from "../backends/index.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { readManifest, type Manifest, type ManifestJob } from "../model/manifest.ts";
import { experimentFile, jobLabel, markerPath, readFailed } from "../model/workspace.ts";
import { experimentStatus, type JobStatus } from "../submit/status.ts";
import { formatBytes, formatDuration } from "../util/format.ts";
import { displayPath } from "../util/text.ts";
import { resultsTable } from "../inspect/results.ts";
import { xpInfo } from "../inspect/xpinfo.ts";
import { renderReport, type ReportJob, type ReportResults } from "../view/report.ts";
import { last, type Parsed } from "./args.ts";
import type { Out } from "./shared.ts";

/** The last `lines` lines of a file (at most its last `bytes` bytes), or [] when there is none. */
export function tailOf(path: string, lines = 20, bytes = 8192): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = statSync(path).size;
    const length = Math.min(size, bytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const text = buf.toString("utf8").replace(/\s+$/, "");
    return text ? text.split(/\r?\n/).slice(size > length ? 1 : 0).slice(-lines) : [];
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * When a job started and ended, as far as its files tell: the start is the time of `<name>.pid`
 * (written when the command starts, removed when it ends, so only known while it runs), the
 * end that of its `.done` / `.failed` marker.
 */
export function jobTimes(workspace: string, j: ManifestJob, now = Date.now()): { seconds?: number; endedAt?: string } {
  const started = mtime(markerPath(workspace, j, "pid"));
  const ended = mtime(markerPath(workspace, j, "done")) ?? mtime(markerPath(workspace, j, "failed"));
  if (ended !== undefined) return { ...(started !== undefined && started <= ended ? { seconds: (ended - started) / 1000 } : {}), endedAt: new Date(ended).toISOString().replace(/\.\d+Z$/, "Z") };
  return started !== undefined ? { seconds: (now - started) / 1000 } : {};
}

/** A manifest job's resources as one short line. */
export function resourcesLine(r: ManifestJob["resources"]): string {
  const parts = [`cpus=${r.cpus}`];
  if (r.memory !== null) parts.push(`mem=${formatBytes(r.memory)}`);
  if (r.duration !== null) parts.push(`time=${formatDuration(r.duration)}`);
  if (r.gpus) parts.push(`gpus=${r.gpus}`);
  for (const k of Object.keys(r.options).sort()) parts.push(`${k}=${r.options[k]}`);
  return parts.join(" ");
}

function exitReason(workspace: string, j: ManifestJob, s: JobStatus): string | undefined {
  if (s.state === "blocked") return `blocked${s.detail ? ` by ${s.detail}` : ""}`;
  const failed = s.state === "failed" ? readFailed(workspace, j) : undefined;
  return failed ? `${failed.reason} (exit ${failed.code})${failed.message ? `: ${failed.message}` : ""}` : undefined;
}

/** A link from the report's folder to a file of the workspace: relative, `/`-separated, URL-escaped. */
function href(from: string, to: string): string {
  return relative(from, to).split(sep).map(encodeURIComponent).join("/");
}

/** One report row per manifest job, in the given states. */
export function reportJobs(workspace: string, manifest: Manifest, reportDir: string, statuses: readonly JobStatus[]): ReportJob[] {
  const states = new Map(statuses.map((r) => [r.key, r]));
  return manifest.jobs.map((j) => {
    const s = states.get(j.key)!;
    return {
      key: j.key,
      task: j.task,
      hash: j.hash,
      deps: j.deps,
      tags: j.tags,
      state: s.state,
      ...(s.detail ? { detail: s.detail } : {}),
      label: jobLabel(j),
      launcher: j.launcher,
      backend: j.backend,
      resources: resourcesLine(j.resources),
      schedulerId: s.schedulerId,
      ...jobTimes(workspace, j),
      exitReason: exitReason(workspace, j, s),
      stderrTail: tailOf(markerPath(workspace, j, "err")),
      outHref: href(reportDir, markerPath(workspace, j, "out")),
      errHref: href(reportDir, markerPath(workspace, j, "err")),
    };
  });
}

/**
 * Writes the report of a prepared experiment to `output` (default `experiments/<id>/report.html`)
 * and returns its path. `results` is the results table, when there is one (the `results`
 * command's rows); without it the page has no results section. `statuses`: the job states, when
 * they were computed already (else computed here).
 */
export function writeReport(workspace: string, experimentId: string, opts: { output?: string; results?: ReportResults; now?: Date; statuses?: readonly JobStatus[] } = {}): string {
  const manifest = readManifest(workspace, experimentId);
  const statuses = opts.statuses ?? experimentStatus(workspace, manifest, backends);
  const output = opts.output ?? join(workspace, experimentFile(experimentId, "report.html"));
  const html = renderReport({
    experiment: experimentId,
    generatedAt: (opts.now ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z"),
    workspace: displayPath(workspace),
    jobs: reportJobs(workspace, manifest, dirname(output), statuses),
    results: opts.results,
  });
  writeFileSync(output, html);
  return output;
}

/** The job states of one experiment's manifest as `status` computes them, at the first call only. */
function once(workspace: string): (m: Manifest) => readonly JobStatus[] {
  let statuses: JobStatus[] | undefined;
  return (m) => (statuses ??= experimentStatus(workspace, m, backends));
}

export function reportCommand(p: Parsed, out: Out): number {
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, "report takes a workspace and an experiment id", { hint: "experimaestro report ./workspace my-experiment -o report.html" });
  const output = last(p, "--output");
  const workspace = resolvePath(ws);
  // The results section is the `results` command's table, when some job has written its results.
  // Its jobs get the states the rest of the page shows (other experiments' are not asked for).
  const states = once(workspace);
  const info = xpInfo(workspace, id, (m) => (m.experiment === id ? states(m) : []));
  const table = info.jobs.some((j) => j.resultsFile !== undefined) ? resultsTable(info) : undefined;
  const results = table && table.rows.length > 0 ? { columns: table.columns, rows: table.rows } : undefined;
  const statuses = states(readManifest(workspace, id));
  const written = writeReport(workspace, id, { ...(output === undefined ? {} : { output: resolvePath(output) }), ...(results ? { results } : {}), statuses });
  out(`report written to ${displayPath(written)} (one file: open it in a browser, from the workspace or a copy of it)`);
  return 0;
}
