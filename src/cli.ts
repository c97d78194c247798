/**
 * The command line: `experimaestro run-experiment | run | --help`. Parses arguments, calls the
 * stages through compile.ts, prints diagnostics once, and maps outcomes to exit statuses:
 * 0 success, 1 a job failed or did not run, 2 a user error, 130 interrupted.
 */
import { resolve as resolvePath, relative, join } from "node:path";
import { compile } from "./compile.ts";
import { writeFiles } from "./emit/write.ts";
import { formatPlan } from "./emit/report.ts";
import { experimentDir } from "./emit/paths.ts";
import { Codes, XpmError, fail, formatDiagnostics } from "./model/diagnostics.ts";
import type { ResolvedJob } from "./model/plan.ts";
import { runExperiment, type RunSummary } from "./run/index.ts";
import { isDone, readFailed } from "./run/markers.ts";
import { readManifest } from "./run/manifest.ts";
import { configDir, loadLaunchers } from "./load/launchers.ts";
import { parseRequirement } from "./resolve/requirements.ts";
import { findLauncher } from "./resolve/match.ts";
import { explainRefusals } from "./resolve/index.ts";
import { formatHost } from "./emit/report.ts";
import { displayPath } from "./util/text.ts";
import { schedulersOf, submitAll } from "./submit/index.ts";
import { experimentStatus, formatStatus } from "./submit/status.ts";

const VERSION = "0.1.0";

const HELP = `experimaestro-ts ${VERSION} — compile experiments into reviewable job scripts

Usage:
  experimaestro run-experiment <yaml> [options]   compile an experiment and run it (or not, by --run-mode)
  experimaestro run <workspace> <experiment-id>   run an already prepared experiment on this machine
  experimaestro status <workspace> <experiment-id> [--json]
                                                  each job's state: markers, scheduler ids and states
  experimaestro find-launcher "<requirements>"    which launcher a requirement string gets, and why
  experimaestro --help | --version

run-experiment options:
  --run-mode MODE        dry-run (print the jobs, write nothing), prepare (alias generate: write
                         scripts, run nothing) or normal (default: write, then run)
  --workdir DIR          the workspace (default: ./workspace)
  -c, --conf KEY=VALUE   override a configuration value (repeatable; later wins)
  -j, --parallel N       jobs run at once by the local runner (default: number of cores)
  --xpm-config-dir DIR   the settings folder holding launchers.yaml (default: $XPM_CONFIG_DIR,
                         else ~/.config/experimaestro)

run options:
  -j, --parallel N       as above
`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

const TAKES_VALUE = new Map([
  ["--run-mode", "--run-mode"],
  ["--workdir", "--workdir"],
  ["-c", "--conf"],
  ["--conf", "--conf"],
  ["-j", "--parallel"],
  ["--parallel", "--parallel"],
  ["--xpm-config-dir", "--xpm-config-dir"],
]);
const BOOLEAN = new Set(["--help", "-h", "--version", "--json"]);

function parseArgs(argv: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const canonical = TAKES_VALUE.get(name);
    if (canonical) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(Codes.USAGE, `${name} needs a value`, { hint: "see experimaestro --help" });
      out.flags.set(canonical, [...(out.flags.get(canonical) ?? []), value]);
    } else if (BOOLEAN.has(arg)) {
      out.flags.set(arg === "-h" ? "--help" : arg, ["true"]);
    } else if (arg.startsWith("-") && arg !== "-") {
      fail(Codes.USAGE, `unknown option ${arg}`, { hint: "see experimaestro --help" });
    } else out.positional.push(arg);
  }
  return out;
}

function last(p: Parsed, flag: string): string | undefined {
  const v = p.flags.get(flag);
  return v?.[v.length - 1];
}

function parallelOf(p: Parsed): number | undefined {
  const v = last(p, "--parallel");
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(Codes.USAGE, `--parallel expects a positive integer, got '${v}'`, { hint: "for example -j 4" });
  return n;
}

const MODES: Record<string, "dry-run" | "prepare" | "normal"> = {
  "dry-run": "dry-run",
  prepare: "prepare",
  generate: "prepare",
  normal: "normal",
};

function stateOnDisk(workspace: string, job: { jobPath: string; name: string }): string {
  const loc = { dir: job.jobPath, name: job.name };
  if (isDone(workspace, loc)) return "done";
  const failed = readFailed(workspace, loc);
  return failed ? `failed:${failed.reason}` : "todo";
}

function printSummary(s: RunSummary, out: (l: string) => void): void {
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

async function runExperimentCommand(p: Parsed, out: (l: string) => void): Promise<number> {
  const [yaml, ...extra] = p.positional;
  if (!yaml || extra.length) fail(Codes.USAGE, "run-experiment takes one experiment YAML", { hint: "experimaestro run-experiment my_project/normal" });
  const modeArg = last(p, "--run-mode") ?? "normal";
  const mode = MODES[modeArg.toLowerCase()];
  if (!mode) fail(Codes.USAGE, `unknown run mode '${modeArg}'`, { hint: "use dry-run, prepare (or generate) or normal" });
  const workdir = last(p, "--workdir");
  const workspace = resolvePath(workdir ?? "workspace");
  const shown = displayPath(workspace);
  out(`workspace: ${shown}${workdir ? "" : " (default: no --workdir given)"}`);
  const compiled = await compile(yaml, { overrides: p.flags.get("--conf") ?? [], emit: mode !== "dry-run", ...configOpt(p) });
  const jobs = compiled.plan.jobs;
  if (mode === "dry-run") {
    out(`experiment ${compiled.loaded.id}: ${jobs.length} jobs (dry run: nothing written)`);
    out(formatPlan(jobs, (j) => stateOnDisk(workspace, j)));
    return 0;
  }
  const report = writeFiles(workspace, compiled.files!);
  const xp = join(shown, experimentDir(compiled.loaded.id));
  out(`experiment ${compiled.loaded.id}: ${jobs.length} jobs; ${report.written.length} files written, ${report.unchanged} unchanged (${xp})`);
  if (mode === "prepare") {
    out(`prepared: run with \`bash ${join(xp, "run-local.sh")}\` or \`experimaestro run ${shown} ${compiled.loaded.id}\``);
    return 0;
  }
  return runAndSubmit(p, workspace, compiled.loaded.id, out, () => printResults(jobs, shown, out));
}

/** Normal mode after writing: local jobs by the runner, then scheduler jobs by their drivers. */
async function runAndSubmit(p: Parsed, workspace: string, id: string, out: (l: string) => void, after: () => void): Promise<number> {
  const manifest = readManifest(workspace, id);
  const parallel = parallelOf(p);
  const hasLocal = manifest.jobs.some((j) => j.backend === "local");
  let status = 0;
  if (hasLocal) {
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

/** Where to look: the jobs nothing depends on hold the experiment's final results. */
function printResults(jobs: readonly ResolvedJob[], shown: string, out: (l: string) => void): void {
  const sinks = jobs.filter((j) => j.dependents.length === 0);
  out(`results (the final job${sinks.length === 1 ? "" : "s"}, on which nothing depends):`);
  for (const j of sinks) out(`  ${join(shown, j.jobPath)}/`);
}

async function runCommand(p: Parsed, out: (l: string) => void): Promise<number> {
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, "run takes a workspace and an experiment id", { hint: "experimaestro run ./workspace my-experiment" });
  const workspace = resolvePath(ws);
  return runAndSubmit(p, workspace, id, out, () => {});
}

function statusCommand(p: Parsed, out: (l: string) => void): number {
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, "status takes a workspace and an experiment id", { hint: "experimaestro status ./workspace my-experiment" });
  const workspace = resolvePath(ws);
  const rows = experimentStatus(workspace, readManifest(workspace, id));
  out(p.flags.has("--json") ? JSON.stringify(rows, null, 2) : formatStatus(rows));
  return rows.every((r) => r.state === "done") ? 0 : rows.some((r) => r.state === "failed" || r.state === "blocked") ? 1 : 3;
}

function configOpt(p: Parsed): { configDir?: string } {
  const dir = last(p, "--xpm-config-dir");
  return dir === undefined ? {} : { configDir: resolvePath(dir) };
}

function findLauncherCommand(p: Parsed, out: (l: string) => void): number {
  const [spec, ...extra] = p.positional;
  if (spec === undefined || extra.length) fail(Codes.USAGE, "find-launcher takes one requirement string", { hint: 'experimaestro find-launcher "duration=4h & cpu(cores=4)"' });
  const loaded = loadLaunchers(configDir(configOpt(p).configDir));
  out(`launchers: ${loaded.file ?? "none configured: this machine only (local)"}`);
  const parsed = parseRequirement(spec);
  if (!parsed.ok) throw new XpmError(parsed.error);
  const found = findLauncher(parsed.value, loaded.launchers);
  if ("refusals" in found) {
    out(`no launcher can run "${spec}":`);
    out(explainRefusals(found.refusals, parsed.value.length).replace(/^/gm, "  "));
    return 1;
  }
  const { launcher, alternative, host } = found.match;
  out(`${launcher.id} (${launcher.type})${parsed.value.length > 1 ? `, alternative ${alternative + 1}` : ""}`);
  out(`  ${formatHost(host)}`);
  for (const k of Object.keys(launcher.options).sort()) out(`  ${k}: ${launcher.options[k]}`);
  return 0;
}

/** Runs the CLI; returns the exit status (never throws for user errors). */
export async function main(argv: string[], out: (l: string) => void = console.log, err: (l: string) => void = console.error): Promise<number> {
  try {
    const p = parseArgs(argv);
    if (p.flags.has("--version")) {
      out(VERSION);
      return 0;
    }
    const [command, ...rest] = p.positional;
    if (p.flags.has("--help") || !command) {
      out(HELP);
      return command || p.flags.has("--help") ? 0 : 2;
    }
    const sub = { ...p, positional: rest };
    switch (command) {
      case "run-experiment":
        return await runExperimentCommand(sub, out);
      case "run":
        return await runCommand(sub, out);
      case "status":
        return statusCommand(sub, out);
      case "find-launcher":
        return findLauncherCommand(sub, out);
      default:
        return fail(Codes.USAGE, `unknown command '${command}'`, { hint: "commands: run-experiment, run, find-launcher (see --help)" });
    }
  } catch (e) {
    if (e instanceof XpmError) {
      err(formatDiagnostics(e.diagnostics));
      return 2;
    }
    throw e;
  }
}
