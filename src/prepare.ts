/**
 * The experiment driver: everything `run-experiment` does after its arguments are parsed —
 * choose the workspace, check git, compile, then by mode print (dry-run), compare with a golden
 * tree, write (prepare), or write and run/submit (normal, under the experiment lock, through
 * run-prepared.ts as `experimaestro run` does). The CLI hands it a host (how to report) and maps
 * the outcome it returns to printed lines and an exit status.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { backends } from "./backends/index.ts";
import { compileLoaded, type Compiled, type Loaded } from "./compile.ts";
import { describeSubmission } from "./emit/arrays.ts";
import { updateGolden } from "./emit/golden.ts";
import { materialize, type EmittedFiles } from "./emit/index.ts";
import { WorkspaceWriter, type Spared, type WriteReport } from "./emit/write.ts";
import { gitState, type GitState } from "./load/git.ts";
import { chooseWorkspace, type ChosenWorkspace } from "./load/settings.ts";
import { Codes, fail, type Diagnostic } from "./model/diagnostics.ts";
import { readManifest } from "./model/manifest.ts";
import type { ResolvedPlan } from "./model/plan.ts";
import { diskStates } from "./model/state.ts";
import { EXPERIMENT_FILES, experimentDir, experimentFile, isForeign } from "./model/workspace.ts";
import { compareWithGolden, type GoldenComparison } from "./plandiff/golden.ts";
import { comparePlans, type PlanDiff } from "./plandiff/index.ts";
import { fromFiles, openSource } from "./plandiff/source.ts";
import { runPrepared, type Host, type RunOutcome, type RunRequest } from "./run-prepared.ts";
import { lockExperiment } from "./run/lock.ts";

export type Mode = "dry-run" | "prepare" | "normal";
export type { Host, RunOutcome, RunRequest };

export interface ExperimentRequest {
  mode: Mode;
  /** `--workspace ID` / `--workdir DIR`, resolved from `cwd`. */
  workspace?: string | undefined;
  workdir?: string | undefined;
  cwd: string;
  /** `--env` pairs, after the workspace's and the settings' environment. */
  env: [string, string][];
  /** `--golden DIR` (`full`: every differing file, renames included). */
  golden?: { dir: string; update: boolean; full?: boolean } | undefined;
  /** dry-run `--against SIDE`: a workspace, golden folder, DIR:ID or manifest to compare this compile with. */
  against?: string | undefined;
  run?: RunRequest;
}

export type Outcome =
  | { kind: "dry-run"; workspace: string; plan: ResolvedPlan; against?: PlanDiff; submission: string[] }
  | { kind: "golden"; dir: string; files: number; updated: boolean; comparison?: GoldenComparison }
  | { kind: "prepared"; workspace: string; plan: ResolvedPlan; report: WriteReport; drivers: string[] }
  | { kind: "ran"; workspace: string; plan: ResolvedPlan; report: WriteReport; run: RunOutcome };

/** The git check: a warning, or (dirty_git: error, outside a dry run) a refusal. */
function checkGit(git: GitState | undefined, loaded: Loaded, mode: Mode, host: Host): GitState | undefined {
  const xp = loaded.experiment;
  if (!git?.dirty || xp.dirty_git === "ignore") return git;
  const d = {
    code: Codes.DIRTY_GIT,
    message: `the project has uncommitted changes (${git.changes.slice(0, 5).join(", ")}${git.changes.length > 5 ? ", ..." : ""})`,
    where: { file: xp.yamlFile, path: "dirty_git" },
    hint: `commit them so that results can be traced to a commit${xp.dirty_git === "error" ? ", or set dirty_git: warn" : " (dirty_git: ignore silences this, error refuses to run)"}`,
  };
  if (xp.dirty_git === "error" && mode !== "dry-run") fail(d.code, d.message, { where: d.where, hint: d.hint });
  host.warn([{ ...d, severity: "warning" }]);
  return git;
}

const materialized = (compiled: Compiled) => new Map([...compiled.files!].map(([path, c]) => [path, materialize(c)]));

function golden(compiled: Compiled, request: NonNullable<ExperimentRequest["golden"]>): Outcome {
  const files = materialized(compiled);
  if (request.update) {
    updateGolden(request.dir, files);
    return { kind: "golden", dir: request.dir, files: files.size, updated: true };
  }
  const comparison = compareWithGolden(request.dir, files, compiled.plan.experimentId, { full: request.full ?? false });
  return { kind: "golden", dir: request.dir, files: files.size, updated: false, comparison };
}

/**
 * The job folders that prepare must leave alone: done (by us or by experimaestro: the record of
 * what ran stays as it ran) or holding experimaestro's own files. Asked by the writer only for a
 * folder it would write to (an unchanged plan asks nothing), each folder once; only existing
 * folders are looked at, each task's folder listed once.
 */
function untouchable(workspace: string, plan: ResolvedPlan): Spared {
  const states = diskStates(workspace);
  let byDir: Map<string, ResolvedPlan["jobs"][number]> | undefined;
  // A job's files come one after the other: the last answer is the one asked again.
  let last = "";
  let spared = false;
  return (dir) => {
    if (dir === last) return spared;
    byDir ??= new Map(plan.jobs.map((j) => [j.jobPath, j]));
    const j = byDir.get(dir);
    const s = j && states(j);
    // diskStates says todo for a folder that does not exist: nothing there to protect.
    spared = !!j && !!s && (s.state === "done" || (s.state !== "todo" && isForeign(workspace, { dir: j.jobPath, name: j.name })));
    last = dir;
    return spared;
  };
}

/** dry-run --against: what this compile would change relative to another plan. */
function against(compiled: Compiled, spec: string, cwd: string): PlanDiff {
  const before = openSource(spec, cwd, compiled.plan.experimentId);
  return comparePlans(before, fromFiles(materialized(compiled), "this compile", compiled.plan.experimentId)).diff;
}

/** The workspace chosen for this experiment (flags, triggers, first of settings.yaml, ./workspace). */
export function workspaceFor(loaded: Loaded, request: ExperimentRequest, host: Host): ChosenWorkspace {
  const chosen = chooseWorkspace(loaded.settings, loaded.experiment.id, {
    cwd: request.cwd,
    ...(request.workspace !== undefined ? { workspace: request.workspace } : {}),
    ...(request.workdir !== undefined ? { workdir: request.workdir } : {}),
  });
  if (chosen.warnings.length) host.warn(chosen.warnings);
  return chosen;
}

/** The job environment after the launcher's: the workspace's, the settings', then `--env`. */
function jobEnv(loaded: Loaded, chosen: ChosenWorkspace, extra: readonly [string, string][]): [string, string][] {
  return [...Object.entries(chosen.settings?.env ?? {}), ...Object.entries(loaded.settings.env), ...extra];
}

/** The files prepare would write for this experiment, in memory: nothing is written (`experimaestro diff`). */
export async function emitInMemory(loaded: Loaded, request: ExperimentRequest, host: Host): Promise<Map<string, string | Buffer>> {
  const chosen = workspaceFor(loaded, request, host);
  return materialized(await compileLoaded(loaded, jobEnv(loaded, chosen, request.env), { emit: true }));
}

/** Compiles a loaded experiment into the chosen workspace, by mode. */
export async function prepareExperiment(loaded: Loaded, chosen: ChosenWorkspace, request: ExperimentRequest, host: Host): Promise<Outcome> {
  const xp = loaded.experiment;
  const workspace = chosen.path;
  // git runs while the experiment compiles; its check comes before anything is written.
  const gitRun = gitState(dirname(xp.modulePath));
  const env = jobEnv(loaded, chosen, request.env);
  const writes = request.mode !== "dry-run" && !request.golden;
  // What the last prepare wrote is checked against the disk while the experiment is compiled.
  const writer = writes ? new WorkspaceWriter(workspace, xp.id) : undefined;
  let compiled: Compiled;
  let git: GitState | undefined;
  try {
    compiled = await compileLoaded(loaded, env, { emit: request.mode !== "dry-run" || request.golden !== undefined || request.against !== undefined });
    git = checkGit(await gitRun, loaded, request.mode, host);
  } catch (e) {
    writer?.cancel();
    throw e;
  }
  if (request.golden) return golden(compiled, request.golden);
  if (!writer) return { kind: "dry-run", workspace, plan: compiled.plan, submission: describeSubmission(compiled.plan, backends), ...(request.against !== undefined ? { against: against(compiled, request.against, request.cwd) } : {}) };
  const plan = compiled.plan;
  const release = request.mode === "normal" ? await lockExperiment(join(workspace, experimentDir(xp.id))) : () => {};
  try {
    const report = await writer.write(compiled.files!, plan.jobs.length, untouchable(workspace, plan));
    if (report.warning) host.warn([report.warning]);
    host.written(workspace, plan, report);
    if (request.mode === "prepare") {
      const used = [...new Set(plan.jobs.map((j) => j.resources.backend))].sort();
      const drivers = used.flatMap((b) => backends.of(b).scheduler?.driver ?? []);
      return { kind: "prepared", workspace, plan, report, drivers };
    }
    // A record of what ran (normal mode only: prepare output stays byte-stable).
    if (git) writeFileSync(join(workspace, experimentFile(xp.id, EXPERIMENT_FILES.git)), `${JSON.stringify({ commit: git.commit, dirty: git.dirty }, null, 2)}\n`);
    return { kind: "ran", workspace, plan, report, run: await runPrepared(workspace, xp.id, request.run ?? {}, host) };
  } finally {
    release();
  }
}
