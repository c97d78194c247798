/**
 * `experimaestro run-experiment`: load (layered YAML, settings, launchers, module), choose the
 * workspace, check git, compile, then by mode: print (dry-run), write (prepare), compare with
 * a golden tree (--golden), or write and run/submit (normal, under the experiment lock).
 */
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import { stringify } from "yaml";
import { compileLoaded, load } from "../compile.ts";
import { compareGolden, updateGolden } from "../emit/golden.ts";
import { materialize } from "../emit/index.ts";
import { experimentDir } from "../emit/paths.ts";
import { formatPlan } from "../emit/report.ts";
import { checkLastRecord, PrepareRecord } from "../emit/record.ts";
import { writeWorkspace } from "../emit/write.ts";
import { gitState } from "../load/git.ts";
import { chooseWorkspace } from "../load/settings.ts";
import { Codes, fail, formatDiagnostics } from "../model/diagnostics.ts";
import { EXPERIMENT_KEYS } from "../model/experiment.ts";
import type { ResolvedJob } from "../model/plan.ts";
import { lockExperiment } from "../run/lock.ts";
import { isDone, readFailed } from "../run/markers.ts";
import { displayPath } from "../util/text.ts";
import { envOf, last, type Parsed } from "./args.ts";
import { configOpt, runAndSubmit, type Out } from "./shared.ts";

type Mode = "dry-run" | "prepare" | "normal";

/** Our spellings and experimaestro's (DRY_RUN, GENERATE_ONLY, NORMAL), case-insensitive. */
const MODES: Record<string, Mode> = {
  "dry-run": "dry-run",
  dry_run: "dry-run",
  prepare: "prepare",
  generate: "prepare",
  generate_only: "prepare",
  normal: "normal",
};

function modeOf(p: Parsed): Mode {
  const arg = last(p, "--run-mode") ?? "normal";
  const mode = MODES[arg.toLowerCase()];
  if (!mode) fail(Codes.USAGE, `unknown run mode '${arg}'`, { hint: "use dry-run, prepare (or generate) or normal (experimaestro's DRY_RUN, GENERATE_ONLY and NORMAL work too)" });
  return mode;
}

/** Each job's state on disk; job folders are listed once per task, not probed one by one. */
function statesOnDisk(workspace: string, jobs: readonly ResolvedJob[]): (job: ResolvedJob) => string {
  const listed = new Map<string, Set<string>>();
  const exists = (job: ResolvedJob) => {
    const parent = job.jobPath.slice(0, job.jobPath.lastIndexOf("/"));
    let set = listed.get(parent);
    if (!set) {
      try {
        set = new Set(readdirSync(join(workspace, parent)));
      } catch {
        set = new Set();
      }
      listed.set(parent, set);
    }
    return set.has(job.hash);
  };
  return (job) => {
    if (!exists(job)) return "todo";
    const loc = { dir: job.jobPath, name: job.name };
    if (isDone(workspace, loc)) return "done";
    const failed = readFailed(workspace, loc);
    return failed ? `failed:${failed.reason}` : "todo";
  };
}

/** Where to look: the jobs nothing depends on hold the experiment's final results (their own files, not ours). */
function printResults(jobs: readonly ResolvedJob[], workspace: string, shown: string, out: Out): void {
  const sinks = jobs.filter((j) => j.dependents.length === 0);
  out(`results (the final job${sinks.length === 1 ? "" : "s"}, on which nothing depends):`);
  for (const j of sinks.slice(0, 20)) {
    let produced: string[] = [];
    try {
      produced = readdirSync(join(workspace, j.jobPath)).filter((f) => f !== "params.json" && !f.startsWith(`${j.name}.`));
    } catch {
      // Not run yet.
    }
    out(`  ${join(shown, j.jobPath)}/${produced.length === 1 ? produced[0] : produced.length ? ` (${produced.join(", ")})` : ""}`);
  }
  if (sinks.length > 20) out(`  ... and ${sinks.length - 20} more`);
}

export async function runExperimentCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const [yaml, ...extra] = p.positional;
  if (!yaml || extra.length) fail(Codes.USAGE, "run-experiment takes one experiment YAML", { hint: "experimaestro run-experiment my_project/normal" });
  const mode = modeOf(p);
  const loaded = await load(yaml, {
    overrides: p.flags.get("--conf") ?? [],
    preYaml: p.flags.get("--pre-yaml") ?? [],
    postYaml: p.flags.get("--post-yaml") ?? [],
    ...configOpt(p),
  });
  const xp = loaded.experiment;
  if (p.flags.has("--show")) {
    const keys = Object.fromEntries(EXPERIMENT_KEYS.filter((k) => xp[k] !== undefined).map((k) => [k, xp[k]]));
    out(stringify({ ...keys, ...xp.config }).trimEnd());
    return 0;
  }

  const chosen = chooseWorkspace(loaded.settings, xp.id, { cwd: process.cwd(), ...(last(p, "--workspace") !== undefined ? { workspace: last(p, "--workspace")! } : {}), ...(last(p, "--workdir") !== undefined ? { workdir: last(p, "--workdir")! } : {}) });
  if (chosen.warnings.length) err(formatDiagnostics(chosen.warnings));
  const workspace = chosen.path;
  const shown = displayPath(workspace);
  out(`workspace: ${shown} (${chosen.reason})`);

  const git = gitState(dirname(xp.modulePath));
  if (git?.dirty && xp.dirty_git !== "ignore") {
    const d = {
      code: Codes.DIRTY_GIT,
      message: `the project has uncommitted changes (${git.changes.slice(0, 5).join(", ")}${git.changes.length > 5 ? ", ..." : ""})`,
      where: { file: xp.yamlFile, path: "dirty_git" },
      hint: `commit them so that results can be traced to a commit${xp.dirty_git === "error" ? ", or set dirty_git: warn" : " (dirty_git: ignore silences this, error refuses to run)"}`,
    };
    if (xp.dirty_git === "error" && mode !== "dry-run") fail(d.code, d.message, { where: d.where, hint: d.hint });
    err(formatDiagnostics([{ ...d, severity: "warning" }]));
  }

  const env: [string, string][] = [...Object.entries(chosen.settings?.env ?? {}), ...Object.entries(loaded.settings.env), ...envOf(p)];
  // What the last prepare wrote is checked against the disk while the experiment is compiled.
  const writes = mode !== "dry-run" && !p.flags.has("--golden");
  const lastRecord = writes ? checkLastRecord(workspace, xp.id) : undefined;
  let compiled;
  try {
    compiled = await compileLoaded(loaded, env, { emit: mode !== "dry-run" || p.flags.has("--golden") });
  } catch (e) {
    lastRecord?.cancel();
    throw e;
  }
  const jobs = compiled.plan.jobs;

  const golden = last(p, "--golden");
  if (golden !== undefined) {
    const files = new Map([...compiled.files!].map(([path, c]) => [path, materialize(c)]));
    const dir = resolvePath(golden);
    if (p.flags.has("--update-golden")) {
      updateGolden(dir, files);
      out(`golden: ${displayPath(dir)} updated (${files.size} files)`);
      return 0;
    }
    const diffs = compareGolden(dir, files);
    if (diffs.length === 0) {
      out(`golden: ${files.size} files match ${displayPath(dir)}`);
      return 0;
    }
    out(diffs.join("\n"));
    err(`error ${Codes.GOLDEN_MISMATCH}: the emitted files differ from ${displayPath(dir)} in ${diffs.length} file${diffs.length > 1 ? "s" : ""}\n  hint: review the diff; if the change is intended, rerun with --update-golden`);
    return 1;
  }

  if (mode === "dry-run") {
    out(`experiment ${xp.id}: ${jobs.length} jobs (dry run: nothing written)`);
    out(formatPlan(jobs, statesOnDisk(workspace, jobs)));
    return 0;
  }
  const release = mode === "normal" ? lockExperiment(join(workspace, experimentDir(xp.id))) : () => {};
  try {
    const report = await writeWorkspace(workspace, compiled.files!, jobs.length, new PrepareRecord(workspace, xp.id, await lastRecord!.lines));
    if (report.warning) err(formatDiagnostics([report.warning]));
    const xpDir = join(shown, experimentDir(xp.id));
    out(`experiment ${xp.id}: ${jobs.length} jobs; ${report.written} file${report.written === 1 ? "" : "s"} written, ${report.unchanged} unchanged (${xpDir})`);
    if (mode === "prepare") {
      out(`prepared: run with \`bash ${join(xpDir, "run-local.sh")}\` or \`experimaestro run ${shown} ${xp.id}\``);
      return 0;
    }
    // A record of what ran (normal mode only: prepare output stays byte-stable).
    if (git) writeFileSync(join(workspace, experimentDir(xp.id), "git.json"), `${JSON.stringify({ commit: git.commit, dirty: git.dirty }, null, 2)}\n`);
    return await runAndSubmit(p, workspace, xp.id, out, () => printResults(jobs, workspace, shown, out));
  } finally {
    release();
  }
}
