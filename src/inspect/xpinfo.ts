/**
 * Results for analysis: `loadXpInfo(workspace, experimentId)` (experimaestro's name) gives every
 * job of one experiment with its task id, identifier, state, folder, the experiment's own tags,
 * its parameter values (plain JSON from params.json), its outputs and its result file, whether
 * we prepared the experiment or experimaestro ran it.
 */
import { join } from "node:path";
import type { JobStateName } from "../model/state.ts";
import type { Tags } from "../model/values.ts";
import { jobLabel } from "../model/workspace.ts";
import { readJson } from "./experimaestro.ts";
import { readWorkspace, type JobRow, type StatesOf } from "./jobs.ts";
import { readOutputs, readParams } from "./params.ts";
import { checkExperiment } from "./select.ts";

export interface XpJob {
  /** The task id, as declared (`grid.Train`). */
  task: string;
  /** The 64-hex identifier (experimaestro's). */
  identifier: string;
  /** `<task>/<first 8 hex>`, as `jobs list` shows it. */
  label: string;
  state: JobStateName;
  /** failed: the reason; blocked: the failed job. */
  detail: string | undefined;
  /** The job folder (absolute). */
  folder: string;
  /** The tags this experiment gave the job. */
  tags: Tags;
  /** The parameter values, plain JSON (`params` of params.json; sub-configs carry `$type` and `$id`). */
  params: Record<string, unknown>;
  /** Files of the job folder named by its parameters (path generators): name -> absolute path. */
  outputs: Record<string, string>;
  /** The task's declared result file (absolute), if it declares one. */
  resultsFile: string | undefined;
  /** That file's content once the job wrote it (JSON), else undefined. */
  results: unknown;
  /** Identifiers of the jobs it depends on. */
  dependsOn: string[];
}

export interface XpInfo {
  experiment: string;
  workspace: string;
  /** In the experiment's order (ours: topological, as in the manifest). */
  jobs: XpJob[];
}

function xpJob(workspace: string, row: JobRow, tags: Tags, results: string | undefined): XpJob {
  const folder = join(workspace, row.dir);
  const resultsFile = results === undefined ? undefined : join(folder, results);
  return {
    task: row.task,
    identifier: row.hash,
    label: jobLabel(row),
    state: row.state,
    detail: row.detail,
    folder,
    tags: { ...tags },
    params: readParams(workspace, row),
    outputs: readOutputs(workspace, row),
    resultsFile,
    results: resultsFile === undefined ? undefined : readJson(resultsFile),
    dependsOn: row.deps.map((d) => d.slice(d.lastIndexOf("/") + 1)),
  };
}

/** Every job of a prepared (or experimaestro-run) experiment; states through `statesOf` (the driver's). */
export function xpInfo(workspace: string, experimentId: string, statesOf: StatesOf): XpInfo {
  const view = readWorkspace(workspace, statesOf);
  checkExperiment(view, experimentId);
  const rows = new Map(view.jobs.map((j) => [j.key, j]));
  const { manifest, run } = view.experiments.find((e) => e.id === experimentId)!;
  const jobs: XpJob[] = [];
  const seen = new Set<string>();
  for (const j of manifest?.jobs ?? []) {
    seen.add(j.key);
    jobs.push(xpJob(workspace, rows.get(j.key)!, j.tags, j.results));
  }
  for (const [hash, entry] of run?.jobs ?? []) {
    const key = `${entry.task}/${hash}`;
    const row = rows.get(key);
    if (row && !seen.has(key)) jobs.push(xpJob(workspace, row, entry.tags, row.results));
  }
  return { experiment: experimentId, workspace, jobs };
}
