/**
 * A workspace read back: every job folder under `jobs/` with its state, the experiments that
 * use it, their tags, its launcher and scheduler id, and when it last changed. Jobs of our
 * prepared experiments get their state from `statesOf` (the driver passes `experimentStatus`:
 * markers, the scheduler, the job lock); folders no manifest names (jobs experimaestro ran, or
 * ours that no experiment uses any more) get theirs from their markers and lock alone.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { Manifest } from "../model/manifest.ts";
import { manifestPath, readManifest } from "../model/manifest.ts";
import { markerState, type JobStateName } from "../model/state.ts";
import type { Tags } from "../model/values.ts";
import { experimentDir, isForeign, lockHeld } from "../model/workspace.ts";
import { isObject, mtime, readJson, readXpmRun, safeList, xpmParams, type XpmRun } from "./experimaestro.ts";

/** What the driver tells about the jobs of one prepared experiment (`experimentStatus` rows fit). */
export interface ExperimentJobState {
  key: string;
  state: JobStateName;
  detail?: string | undefined;
  schedulerId?: string | undefined;
}
export type StatesOf = (manifest: Manifest) => readonly ExperimentJobState[];

/** Who wrote the job folder. */
export type JobOrigin = "experimaestro-ts" | "experimaestro";

export interface JobRow {
  /** `<lower-cased task id>/<hash>`: the folder under `jobs/`. */
  key: string;
  /** The task id as declared (`grid.Train`), else as experimaestro records it, else the folder name. */
  task: string;
  hash: string;
  /** Workspace-relative folder: `jobs/<key>`. */
  dir: string;
  /** The stem of the job's files (`<name>.sh`, `<name>.done`, ...). */
  name: string;
  origin: JobOrigin;
  state: JobStateName;
  detail: string | undefined;
  /** The experiments whose manifest (ours) or current run (experimaestro's) has this job, sorted. */
  experiments: string[];
  /** The tags those experiments gave the job (with several, the first experiment's value wins). */
  tags: Tags;
  launcher: string | undefined;
  backend: string | undefined;
  schedulerId: string | undefined;
  /** Keys of the jobs it depends on (ours only: from the manifest). */
  deps: string[];
  /** The task's result file, relative to the job folder, when it declares one. */
  results: string | undefined;
  /** When the job last changed (ms since the epoch): its end marker, else its logs, else its script. */
  time: number | undefined;
}

/** An experiment of the workspace: ours (a manifest) and/or experimaestro's (its current run). */
export interface ExperimentEntry {
  id: string;
  manifest: Manifest | undefined;
  run: XpmRun | undefined;
}

export interface WorkspaceView {
  workspace: string;
  experiments: ExperimentEntry[];
  /** Experiments left out, as warnings (a manifest this version cannot read). */
  warnings: Diagnostic[];
  /** Every job, most recent first (ties by key). */
  jobs: JobRow[];
}

/** How states rank when two experiments disagree about one job (the one that knows more wins). */
const RANK: JobStateName[] = ["done", "failed", "running", "queued", "submitted", "blocked", "not submitted", "elsewhere", "todo"];

/** The experiments of a workspace, by id; a manifest that cannot be read is left out with a warning saying why. */
export function readExperiments(workspace: string, warnings: Diagnostic[] = []): ExperimentEntry[] {
  const ids = safeList(join(workspace, experimentDir(""))).sort();
  const out: ExperimentEntry[] = [];
  for (const id of ids) {
    let manifest: Manifest | undefined;
    try {
      manifest = existsSync(join(workspace, manifestPath(id))) ? readManifest(workspace, id) : undefined;
    } catch (e) {
      if (!(e instanceof XpmError)) throw e;
      warnings.push(...e.diagnostics.map((d) => ({ ...d, severity: "warning" as const, message: `experiment '${id}' left out: ${d.message}` })));
    }
    const run = readXpmRun(workspace, id);
    if (manifest || run) out.push({ id, manifest, run });
  }
  return out;
}

/** When a job last changed: its end marker, else its logs (it started), else its script or params. */
export function lastChange(workspace: string, dir: string, name: string): number | undefined {
  const at = (ext: string) => mtime(join(workspace, dir, `${name}.${ext}`));
  const first = (times: (number | undefined)[]) => times.filter((t): t is number => t !== undefined).sort((a, b) => b - a)[0];
  return first([at("done"), at("failed")]) ?? first([at("err"), at("out")]) ?? first([at("sh"), at("py"), mtime(join(workspace, dir, "params.json"))]);
}

function manifestRow(workspace: string, m: Manifest, j: Manifest["jobs"][number], s: ExperimentJobState | undefined): JobRow {
  return {
    key: j.key,
    task: j.task,
    hash: j.hash,
    dir: j.dir,
    name: j.name,
    origin: isForeign(workspace, j) ? "experimaestro" : "experimaestro-ts",
    state: s?.state ?? "todo",
    detail: s?.detail,
    experiments: [m.experiment],
    tags: { ...j.tags },
    launcher: j.launcher,
    backend: j.backend,
    schedulerId: s?.schedulerId,
    deps: j.deps,
    results: j.results,
    time: lastChange(workspace, j.dir, j.name),
  };
}

/** A second experiment's view of a job already listed: membership, missing tags, the better-known state. */
function merge(row: JobRow, other: JobRow): void {
  row.experiments.push(...other.experiments);
  for (const [k, v] of Object.entries(other.tags)) if (!Object.hasOwn(row.tags, k)) row.tags[k] = v;
  if (RANK.indexOf(other.state) < RANK.indexOf(row.state)) {
    row.state = other.state;
    row.detail = other.detail;
  }
  row.schedulerId ??= other.schedulerId;
  row.results ??= other.results;
}

/** The stem of a folder's job files: its script (`<name>.sh` or `<name>.py`), else the task folder's last component. */
function stemOf(absDir: string, taskDir: string): string {
  const files = safeList(absDir);
  const script = files.find((f) => f.endsWith(".sh")) ?? files.find((f) => f.endsWith(".py"));
  return script ? script.replace(/\.(sh|py)$/, "") : taskDir.split(".").pop()!;
}

/** A job folder no manifest names: experimaestro's, or ours left by an earlier plan. */
function folderRow(workspace: string, taskDir: string, hash: string, runs: XpmRun[]): JobRow {
  const dir = `jobs/${taskDir}/${hash}`;
  const abs = join(workspace, dir);
  const name = stemOf(abs, taskDir);
  const loc = { dir, name };
  // End markers first; then the lock (experimaestro's job holds it too); then what was prepared.
  const marked = markerState(workspace, loc);
  const state = marked && marked.state !== "elsewhere" ? marked : lockHeld(workspace, loc) ? { state: "running" as const, detail: undefined } : (marked ?? { state: "todo" as const, detail: undefined });
  const doc = readJson(join(abs, "params.json"));
  const task = xpmParams(doc, hash)?.task ?? (isObject(doc) && typeof doc.task === "string" ? doc.task : taskDir);
  const inRuns = runs.filter((r) => r.jobs.has(hash));
  const tags: Tags = {};
  for (const r of inRuns) for (const [k, v] of Object.entries(r.jobs.get(hash)!.tags)) if (!Object.hasOwn(tags, k)) tags[k] = v;
  return {
    key: `${taskDir}/${hash}`,
    task,
    hash,
    dir,
    name,
    origin: isForeign(workspace, loc) ? "experimaestro" : "experimaestro-ts",
    state: state.state,
    detail: state.detail,
    experiments: inRuns.map((r) => r.experiment),
    tags,
    launcher: undefined,
    backend: undefined,
    schedulerId: undefined,
    deps: [],
    results: undefined,
    time: lastChange(workspace, dir, name),
  };
}

/** Reads every experiment and job folder of a workspace. */
export function readWorkspace(workspace: string, statesOf: StatesOf): WorkspaceView {
  const warnings: Diagnostic[] = [];
  const experiments = readExperiments(workspace, warnings);
  const rows = new Map<string, JobRow>();
  for (const { manifest } of experiments) {
    if (!manifest) continue;
    const states = new Map(statesOf(manifest).map((s) => [s.key, s]));
    for (const j of manifest.jobs) {
      const row = manifestRow(workspace, manifest, j, states.get(j.key));
      const known = rows.get(j.key);
      if (known) merge(known, row);
      else rows.set(j.key, row);
    }
  }
  const runs = experiments.flatMap((e) => (e.run ? [e.run] : []));
  for (const taskDir of safeList(join(workspace, "jobs")).sort()) {
    for (const hash of safeList(join(workspace, "jobs", taskDir)).sort()) {
      const key = `${taskDir}/${hash}`;
      const known = rows.get(key);
      if (known) {
        for (const r of runs) if (r.jobs.has(hash) && !known.experiments.includes(r.experiment)) merge(known, { ...folderRow(workspace, taskDir, hash, [r]), state: known.state });
      } else if (/^[0-9a-f]{64}$/.test(hash)) rows.set(key, folderRow(workspace, taskDir, hash, runs));
    }
  }
  for (const r of rows.values()) r.experiments.sort();
  const jobs = [...rows.values()].sort((a, b) => (b.time ?? 0) - (a.time ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { workspace, experiments, jobs, warnings };
}
