/**
 * Choosing jobs: by experiment, by filter expression (util/filter.ts, experimaestro's syntax),
 * and by the job id a user types (`task/hash`, `task/<hash prefix>`, a bare hash prefix, or a
 * job folder's path).
 */
import { isAbsolute, relative, resolve } from "node:path";
import { Codes, XpmError, fail } from "../model/diagnostics.ts";
import { jobLabel } from "../model/workspace.ts";
import { matches, type Filter } from "../util/filter.ts";
import { didYouMean } from "../util/text.ts";
import type { JobRow, WorkspaceView } from "./jobs.ts";
import { readParams } from "./params.ts";

/** The experiment ids of a workspace; an unknown one is an error naming the known ones. */
export function checkExperiment(view: WorkspaceView, id: string): void {
  const ids = view.experiments.map((e) => e.id);
  if (ids.includes(id)) return;
  const unreadable = view.warnings.find((w) => w.message.startsWith(`experiment '${id}' left out: `));
  if (unreadable) throw new XpmError({ ...unreadable, severity: "error", message: unreadable.message.slice(unreadable.message.indexOf(": ") + 2) });
  const near = didYouMean(id, ids);
  fail(Codes.EXPERIMENT_UNKNOWN, `no experiment '${id}' in ${view.workspace}`, {
    hint: near ? `did you mean '${near}'?` : ids.length ? `experiments: ${ids.join(", ")}` : "this workspace has no experiment yet: prepare or run one first",
  });
}

/** The jobs of the workspace (or of one experiment) that pass the filter, most recent first. */
export function selectJobs(view: WorkspaceView, opts: { experiment?: string | undefined; filter?: Filter | undefined }): JobRow[] {
  if (opts.experiment !== undefined) checkExperiment(view, opts.experiment);
  const { filter, experiment } = opts;
  return view.jobs.filter((j) => {
    if (experiment !== undefined && !j.experiments.includes(experiment)) return false;
    if (!filter) return true;
    const subject = { state: j.state, task: j.task, tags: j.tags, params: readParams(view.workspace, j), ...(j.state === "failed" && j.detail ? { reason: j.detail } : {}) };
    return matches(filter, subject);
  });
}

/** The job a user means by `id`; an unknown or ambiguous id is an error (the candidates are listed). */
export function findJob(view: WorkspaceView, id: string, cwd = process.cwd()): JobRow {
  const text = id.trim();
  let candidates: JobRow[];
  const asPath = isAbsolute(text) || text.startsWith(".") ? relative(view.workspace, resolve(cwd, text)) : text.startsWith("jobs/") ? text.replace(/\/+$/, "") : undefined;
  if (asPath !== undefined) candidates = view.jobs.filter((j) => j.dir === asPath);
  else if (text.includes("/")) {
    const cut = text.lastIndexOf("/");
    const task = text.slice(0, cut).toLowerCase().replace(/^jobs\//, "");
    const prefix = text.slice(cut + 1).toLowerCase();
    candidates = view.jobs.filter((j) => (j.task.toLowerCase() === task || j.key.startsWith(`${task}/`)) && j.hash.startsWith(prefix));
  } else candidates = /^[0-9a-f]{1,64}$/i.test(text) ? view.jobs.filter((j) => j.hash.startsWith(text.toLowerCase())) : [];
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    const shown = candidates.slice(0, 10).map((j) => `${j.task}/${j.hash}`);
    return fail(Codes.JOB_AMBIGUOUS, `'${id}' matches ${candidates.length} jobs`, {
      excerpt: [...shown, ...(candidates.length > 10 ? [`... and ${candidates.length - 10} more`] : [])].join("\n"),
      hint: "give more of the hash: task/hash or task/<first 8 hex digits>",
    });
  }
  const tasks = [...new Set(view.jobs.map((j) => j.task))];
  const task = text.includes("/") ? text.slice(0, text.lastIndexOf("/")) : text;
  const near = didYouMean(task, tasks);
  return fail(Codes.JOB_UNKNOWN, `no job '${id}' in ${view.workspace}`, {
    hint: near && near.toLowerCase() !== task.toLowerCase() ? `did you mean task '${near}'? (jobs look like ${near}/<hash>)` : `jobs look like task/hash (e.g. ${view.jobs[0] ? jobLabel(view.jobs[0]) : "mymodule.MyTask/0a1b2c3d"}); \`experimaestro jobs list\` shows them`,
  });
}
