/**
 * `experimaestro jobs list|log|path|kill|clean` (experimaestro's job control): options parsed
 * here, the workspace read back by src/inspect/, job states by submit's experimentStatus.
 *
 * Exit statuses: 0 done (for kill and clean: everything asked was done, or would be with
 * --perform); 1 a kill failed, or a matching job was not deleted (running, queued, not
 * finished, or needed by an unfinished job); 2 a user error (bad filter, unknown job or
 * experiment, bad option), with a coded message.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { backends } from "../backends/index.ts";
import { planClean, performClean } from "../inspect/clean.ts";
import { readWorkspace, type JobRow, type StatesOf, type WorkspaceView } from "../inspect/jobs.ts";
import { killTargets, performKill } from "../inspect/kill.ts";
import { logFile, printLog } from "../inspect/log.ts";
import { findJob, selectJobs } from "../inspect/select.ts";
import { configDir } from "../load/config-dir.ts";
import { chooseWorkspace, loadSettings } from "../load/settings.ts";
import { Codes, fail, formatDiagnostics } from "../model/diagnostics.ts";
import { stateLabel } from "../model/state.ts";
import { jobLabel } from "../model/workspace.ts";
import { experimentStatus } from "../submit/status.ts";
import type { Filter } from "../util/filter.ts";
import { displayPath } from "../util/text.ts";
import { last, type Parsed } from "./args.ts";
import { configOpt, type Out } from "./shared.ts";

const COMMON = ["--workdir", "--workspace", "--xpm-config-dir", "--help"];
const SELECT = [...COMMON, "--experiment", "--filter", "--tags", "--fullpath"];
const ALLOWED: Record<string, string[]> = {
  list: [...SELECT, "--count", "--conf", "--json"],
  kill: [...SELECT, "--perform"],
  clean: [...SELECT, "--perform", "--force"],
  log: [...COMMON, "--std", "--follow"],
  path: COMMON,
};

/** Refuses options that do not belong to the command (they would be silently ignored). */
export function onlyOptions(p: Parsed, command: string, allowed: readonly string[]): void {
  const extra = [...p.flags.keys()].filter((f) => !allowed.includes(f));
  if (extra.length) fail(Codes.USAGE, `${command} does not take ${extra.join(", ")}`, { hint: `its options: ${allowed.filter((o) => o !== "--conf").join(" ")} (see experimaestro --help)` });
}

/** The workspace of --workdir / --workspace (or the settings' choice, said on stderr); it must exist. */
export function chosenWorkspace(p: Parsed, err: Out): string {
  const settings = loadSettings(configDir(configOpt(p).configDir));
  const chosen = chooseWorkspace(settings, last(p, "--experiment") ?? "", { workspace: last(p, "--workspace"), workdir: last(p, "--workdir"), cwd: process.cwd() });
  if (chosen.warnings.length) err(formatDiagnostics(chosen.warnings));
  if (chosen.reason !== "--workdir") err(`workspace: ${displayPath(chosen.path)} (${chosen.reason})`);
  if (!existsSync(chosen.path)) fail(Codes.WORKSPACE_UNKNOWN, `no workspace at ${displayPath(chosen.path)}`, { hint: "give it with --workdir DIR (or --workspace ID of settings.yaml)" });
  return chosen.path;
}

/** The workspace read back, its warnings (experiments left out) printed on stderr. */
export function readView(ws: string, err: Out): WorkspaceView {
  const view = readWorkspace(ws, statesOf(ws));
  if (view.warnings.length) err(formatDiagnostics(view.warnings));
  return view;
}

/** Job states as `status` computes them: markers, the scheduler, the job lock. */
export const statesOf =
  (workspace: string): StatesOf =>
  (m) =>
    experimentStatus(workspace, m, backends);

/** The --filter expression, parsed: its parser (and chevrotain) is loaded only when one is given. */
export async function filterOf(p: Parsed): Promise<Filter | undefined> {
  const text = last(p, "--filter");
  return text === undefined ? undefined : (await import("../util/filter-parse.ts")).parseFilter(text);
}

function selected(p: Parsed, view: WorkspaceView, filter: Filter | undefined): JobRow[] {
  return selectJobs(view, { experiment: last(p, "--experiment"), filter });
}

function age(time: number | undefined, now: number): string {
  if (time === undefined) return "-";
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

const tagText = (j: JobRow) =>
  Object.entries(j.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/** Rows of cells as aligned lines (two spaces between columns, the last one unpadded). */
function aligned(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]!))).join("  ").trimEnd());
}

/** One aligned line per job: state, job, experiments, launcher, scheduler id, age (and tags). */
export function jobLines(view: WorkspaceView, jobs: readonly JobRow[], opts: { tags: boolean; fullpath: boolean }, now = Date.now()): string[] {
  const cells = jobs.map((j) => [
    stateLabel(j),
    opts.fullpath ? join(view.workspace, j.dir) : jobLabel(j),
    j.experiments.length ? `[${j.experiments.join(",")}]` : "-",
    j.origin === "experimaestro" && !j.launcher ? "(experimaestro)" : (j.launcher ?? "-"),
    j.schedulerId ?? "-",
    age(j.time, now),
    ...(opts.tags ? [tagText(j)] : []),
  ]);
  const header = ["state", "job", "experiments", "launcher", "scheduler id", "age", ...(opts.tags ? ["tags"] : [])];
  return aligned([header, ...cells]);
}

function jobJson(view: WorkspaceView, j: JobRow, now: number) {
  return {
    job: jobLabel(j),
    key: j.key,
    task: j.task,
    identifier: j.hash,
    state: j.state,
    detail: j.detail ?? null,
    path: join(view.workspace, j.dir),
    experiments: j.experiments,
    tags: j.tags,
    launcher: j.launcher ?? null,
    backend: j.backend ?? null,
    schedulerId: j.schedulerId ?? null,
    tool: j.origin,
    time: j.time === undefined ? null : new Date(j.time).toISOString(),
    ageSeconds: j.time === undefined ? null : Math.round((now - j.time) / 1000),
  };
}

function countOf(p: Parsed): number | undefined {
  const v = last(p, "--count") ?? last(p, "--conf");
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(Codes.USAGE, `--count expects a number of jobs, got '${v}'`, { hint: "for example -c 10 (the 10 most recent jobs; 0 for all)" });
  return n || undefined;
}

function listJobs(p: Parsed, view: WorkspaceView, filter: Filter | undefined, out: Out): number {
  const count = countOf(p);
  const jobs = selected(p, view, filter).slice(0, count);
  const now = Date.now();
  if (p.flags.has("--json")) out(JSON.stringify(jobs.map((j) => jobJson(view, j, now)), null, 2));
  else if (!jobs.length) out("no jobs found");
  else for (const l of jobLines(view, jobs, { tags: p.flags.has("--tags"), fullpath: p.flags.has("--fullpath") }, now)) out(l);
  return 0;
}

function oneJob(p: Parsed, view: WorkspaceView, command: string): JobRow {
  const [id, ...extra] = p.positional;
  if (!id || extra.length) fail(Codes.USAGE, `jobs ${command} takes one job id`, { hint: `experimaestro jobs ${command} mymodule.MyTask/0a1b2c3d (see experimaestro jobs list)` });
  return findJob(view, id);
}

async function killJobs(p: Parsed, view: WorkspaceView, filter: Filter | undefined, out: Out): Promise<number> {
  const targets = killTargets(view.workspace, selected(p, view, filter), backends);
  const label = (j: JobRow) => (p.flags.has("--fullpath") ? join(view.workspace, j.dir) : jobLabel(j)) + (p.flags.has("--tags") && Object.keys(j.tags).length ? `  ${tagText(j)}` : "");
  if (!targets.length) {
    out("no running or queued job matches");
    return 0;
  }
  if (!p.flags.has("--perform")) {
    for (const l of aligned(targets.map((t) => ["would kill", stateLabel(t.job), label(t.job), `(${t.method.kind === "scheduler" ? `${t.method.backend} job ${t.method.id}` : "its process"})`]))) out(l);
    out(`dry run: nothing was killed; add --perform to kill ${targets.length === 1 ? "this job" : `these ${targets.length} jobs`}`);
    return 0;
  }
  const results = await performKill(view.workspace, targets, backends);
  for (const l of aligned(results.map((r) => [r.ok ? "killed" : "NOT killed", label(r.job), r.message]))) out(l);
  return results.every((r) => r.ok) ? 0 : 1;
}

function cleanJobs(p: Parsed, view: WorkspaceView, filter: Filter | undefined, out: Out): number {
  const plan = planClean(view, selected(p, view, filter), p.flags.has("--force"));
  const label = (j: JobRow) => (p.flags.has("--fullpath") ? join(view.workspace, j.dir) : jobLabel(j)) + (p.flags.has("--tags") && Object.keys(j.tags).length ? `  ${tagText(j)}` : "");
  const perform = p.flags.has("--perform");
  const refused = [...plan.refused, ...(perform ? performClean(view.workspace, plan) : [])];
  const removed = plan.remove.filter((j) => !refused.some((r) => r.job === j));
  const rows = [...removed.map((j) => [perform ? "deleted" : "would delete", stateLabel(j), label(j)]), ...refused.map((r) => ["kept", stateLabel(r.job), `${label(r.job)}: ${r.why}`])];
  for (const l of aligned(rows)) out(l);
  if (!plan.remove.length && !refused.length) out("no job matches");
  if (!perform && plan.remove.length) out(`dry run: nothing was deleted; add --perform to delete ${plan.remove.length === 1 ? "this job folder" : `these ${plan.remove.length} job folders`}`);
  if (removed.length && plan.experiments.length) out(`${perform ? "prepare" : "after that, prepare"} ${plan.experiments.join(", ")} again to run ${plan.experiments.length === 1 ? "it" : "them"} (their deleted jobs would run again)`);
  return refused.length ? 1 : 0;
}

export async function jobsCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const [sub, ...rest] = p.positional;
  const allowed = sub === undefined ? undefined : ALLOWED[sub];
  if (!allowed) fail(Codes.USAGE, sub ? `unknown jobs command '${sub}'` : "jobs needs a command", { hint: "experimaestro jobs list | log JOBID | path JOBID | kill | clean (see --help)" });
  onlyOptions(p, `jobs ${sub}`, allowed);
  const q = { ...p, positional: rest };
  if (sub === "list" || sub === "kill" || sub === "clean") {
    if (rest.length) fail(Codes.USAGE, `jobs ${sub} takes no argument ('${rest[0]}')`, { hint: `select jobs with --filter EXPR and --experiment ID, e.g. experimaestro jobs ${sub} --filter '@state = "DONE"'` });
  }
  const ws = chosenWorkspace(q, err);
  const view = readView(ws, err);
  const filter = await filterOf(q);
  switch (sub) {
    case "list":
      return listJobs(q, view, filter, out);
    case "path":
      out(join(ws, oneJob(q, view, "path").dir));
      return 0;
    case "log": {
      const job = oneJob(q, view, "log");
      await printLog(ws, job, logFile(ws, job, q.flags.has("--std")), q.flags.has("--follow"), (chunk) => process.stdout.write(chunk));
      return 0;
    }
    case "kill":
      return killJobs(q, view, filter, out);
    default:
      return cleanJobs(q, view, filter, out);
  }
}
