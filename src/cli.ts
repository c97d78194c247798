/**
 * The command line: parses arguments, dispatches to src/cli/*, prints diagnostics once, and
 * maps outcomes to exit statuses: 0 success, 1 a job failed or did not run (or a golden
 * mismatch, or plans that differ), 2 a user error, 130 interrupted.
 */
// Each command's module is imported when it runs: `--version` and `status` load neither zod,
// chevrotain, handlebars nor esbuild (the CLI runs compiled, one chunk per command).
import { parseArgs, type Parsed } from "./cli/args.ts";
import type { Out } from "./cli/shared.ts";
import { Codes, XpmError, fail, formatDiagnostics } from "./model/diagnostics.ts";

import { setUserModuleImporter } from "./util/ts-import.ts";

/** The compiled CLI (bin/) imports the experiment's modules bundled, "experimaestro-ts" being `indexUrl` (its own build). */
export function useBundledModules(indexUrl: string): void {
  setUserModuleImporter(async (path, group) => (await import("./load/user-modules.ts")).importBundled(path, group, indexUrl));
}

const VERSION = "0.1.0";

const HELP = `experimaestro-ts ${VERSION} — compile experiments into reviewable job scripts

Usage:
  experimaestro run-experiment <yaml> [options]   compile an experiment and run it (or not, by --run-mode)
  experimaestro run <workspace> <experiment-id>   run / submit an already prepared experiment
  experimaestro status <workspace> <experiment-id> [--json]
                                                  each job's state: markers, scheduler ids and states
  experimaestro status <workspace> <experiment-id> --watch [--interval SECONDS]
                                                  a live view: counts, running jobs (time, progress),
                                                  last failures; q or Ctrl-C quits, and it ends by
                                                  itself once nothing runs, waits or holds the lock
  experimaestro graph <workspace> <experiment-id> [--format dot|mermaid|svg] [-o FILE] [--collapse auto|always|never]
  experimaestro graph <yaml> [run-experiment options] [--format ...]
                                                  the DAG, coloured by state (from a YAML: compiled, nothing written)
  experimaestro report <workspace> <experiment-id> [-o FILE]
                                                  one self-contained HTML page: the DAG, the jobs (state,
                                                  resources, times, stderr tails, log links), results
                                                  (default FILE: <workspace>/experiments/<id>/report.html)
  experimaestro actions list <workspace> <experiment-id>
  experimaestro actions run <workspace> <experiment-id> [name] [--answer KEY=VALUE]...
                                                  an action of the experiment (helper.addAction), once
                                                  the jobs it needs are done; params from --answer, a
                                                  question on a terminal, or their defaults
  experimaestro services list|start|stop <workspace> <experiment-id> [name]
                                                  the experiment's services (helper.addService): start
                                                  keeps them until Ctrl-C; stop ends those left running
  experimaestro find-launcher "<requirements>"    which launcher a requirement string gets, and why
                                                  (experimaestro's find-launchers works too)
  experimaestro launchers slurm generate [--output FILE] [--dump FILE] [--from FILE] [--force]
                                                  a launchers.yaml from the cluster: one launcher per
                                                  partition (cores, memory, GPUs from GRES, time
                                                  limit, MaxArraySize, per-user submit limits when
                                                  sacctmgr answers) from sinfo, scontrol, sacctmgr;
                                                  --dump FILE saves their outputs, --from FILE
                                                  generates from such a file on another machine
  experimaestro launchers oar generate [same options]
                                                  the same for OAR, from oarnodes -J (one launcher per
                                                  cluster property, else resource type)
  experimaestro schema <yaml-or-module> [-o FILE] JSON Schema of the experiment YAML, for editors
  experimaestro diff <before> <after> [--json]    what changed between two plans, per task (exit 0 same,
                                                  1 different); a side is a workspace or golden folder
                                                  (DIR, or DIR:ID), a manifest.json or an experiment YAML
                                                  (compiled, nothing written; -c, --pre-yaml, --post-yaml
                                                  apply to <after>); --experiment ID picks one in folders
  experimaestro jobs list|log|path|kill|clean ...  the jobs of a workspace (below)
  experimaestro experiments list [--json]         each experiment: jobs by state, last prepare, last run
  experimaestro results <workspace> <experiment-id> [--format markdown|csv|json] [--filter EXPR] [--sort COL[:desc]]
                                                  tags and result-file fields of each job, as a table
  experimaestro init <dir> [--xpm-ts SPEC] [--name NAME] [--force]
                                                  a new experiment project (package.json, tsconfig,
                                                  src/tasks.ts, src/experiment.ts, normal.yaml,
                                                  xpm-config/, a golden test); --xpm-ts is the
                                                  experimaestro-ts dependency (default: ^${VERSION}),
                                                  --force adds missing files to a non-empty folder
                                                  and never overwrites one
  experimaestro --help | --version

run-experiment options:
  --run-mode MODE        dry-run (print the jobs, write nothing), prepare (alias generate: write
                         scripts, run nothing) or normal (default: write, then run local jobs and
                         submit SLURM/OAR jobs with the emitted drivers); DRY_RUN, GENERATE_ONLY
                         and NORMAL are accepted too
  -c, --conf KEY=VALUE   override a configuration value (repeatable; later wins)
  --pre-yaml FILE        YAML merged before the experiment file (repeatable)
  --post-yaml FILE       YAML merged after it (repeatable)
  --show                 print the merged, validated configuration and exit
  --workspace ID         a workspace of settings.yaml
  --workdir DIR          the workspace folder (default: by trigger, the first workspace, ./workspace)
  --env KEY VALUE        job environment variable (repeatable)
  --golden DIR           compare the prepare output with DIR: the plan summary, then the unified
                         diff of files that changed other than by a rename (exit 1 on a difference)
  --full                 with --golden: the unified diff of every differing file
  --update-golden        with --golden: rewrite DIR
  --against SIDE         with --run-mode dry-run: what this compile would change relative to SIDE
                         (a workspace, golden folder, DIR:ID or manifest.json; exit 1 when it differs)
  -j, --parallel N       at most N jobs at once (the runner also keeps within the local
                         launcher's cores, memory and GPUs: launchers.yaml, else detected)
  --keep-services        leave the experiment's services running after the jobs (normal mode and
                         run; stop them with \`experimaestro services stop\`)
  --no-services          do not start the experiment's services
  --fail-fast            stop starting jobs after the first failure (default: --keep-going,
                         independent branches go on)
  --xpm-config-dir DIR   the settings folder (settings.yaml, launchers.yaml; default:
                         $XPM_CONFIG_DIR, else ~/.config/experimaestro)

jobs and experiments (the workspace: --workdir DIR, or --workspace ID of settings.yaml, else
as for run-experiment):
  jobs list [--experiment ID] [--filter EXPR] [--tags] [--fullpath] [-c|--count N] [--json]
                         one line per job, most recent first: state, task/hash8, experiments,
                         launcher, scheduler id, age (and tags); jobs experimaestro ran too
  jobs log JOBID [--std] [-f|--follow]
                         the job's stderr (--std: stdout); -f follows it until the job ends
  jobs path JOBID        the job's folder. JOBID: task/hash, task/<hash prefix> or a hash prefix,
                         when unique (an ambiguous one lists the candidates)
  jobs kill [--experiment ID] [--filter EXPR] [--perform]
                         stops running or queued jobs (local: SIGTERM to the job script, SIGKILL
                         after 10 s; SLURM/OAR: scancel/oardel); they end .failed "cancelled"
  jobs clean [--experiment ID] [--filter EXPR] [--perform] [--force]
                         deletes finished job folders; keeps running, queued and unfinished ones,
                         and (unless --force) jobs an unfinished job of a prepared experiment needs
  kill and clean only say what they would do unless --perform is given.
  Filters (experimaestro's): @state = "DONE", @name ~ ".*Train", lr = 0.1, seed in [1, 2],
  model not in ["a"], and / or / not, parentheses; tags and parameters by name.

Exit statuses: 0 success; 1 a job failed or did not run, a golden mismatch, a kill that failed
or a job that clean kept; 2 a user error (a message with its code, e.g. XPM910 bad filter,
XPM920 unknown job, XPM921 ambiguous job id); 3 status: jobs still in progress; 130 interrupted.
`;

/** Runs the CLI; returns the exit status (never throws for user errors). */
export async function main(argv: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
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
    return await dispatch(command, { ...p, positional: rest }, out, err);
  } catch (e) {
    if (e instanceof XpmError) {
      err(formatDiagnostics(e.diagnostics));
      return 2;
    }
    throw e;
  }
}

/** Runs one command, importing its module first. */
async function dispatch(command: string, sub: Parsed, out: Out, err: Out): Promise<number> {
  switch (command) {
    case "run-experiment":
      return (await import("./cli/run-experiment.ts")).runExperimentCommand(sub, out, err);
    case "run":
      return (await import("./cli/run.ts")).runCommand(sub, out, err);
    case "status":
      return sub.flags.has("--watch") ? (await import("./cli/watch.ts")).watchCommand(sub, out) : (await import("./cli/status.ts")).statusCommand(sub, out);
    case "graph":
      return (await import("./cli/graph.ts")).graphCommand(sub, out, err);
    case "report":
      return (await import("./cli/report.ts")).reportCommand(sub, out);
    case "actions":
      return (await import("./cli/actions.ts")).actionsCommand(sub, out);
    case "services":
      return (await import("./cli/services.ts")).servicesCommand(sub, out, err);
    case "find-launcher":
    case "find-launchers": // experimaestro's spelling
      return (await import("./cli/commands.ts")).findLauncherCommand(sub, out);
    case "schema":
      return (await import("./cli/commands.ts")).schemaCommand(sub, out);
    case "launchers":
      return (await import("./cli/launchers.ts")).launchersCommand(sub, out, err);
    case "diff":
      return (await import("./cli/diff.ts")).diffCommand(sub, out, err);
    case "jobs":
      return (await import("./cli/jobs.ts")).jobsCommand(sub, out, err);
    case "experiments":
      return (await import("./cli/experiments.ts")).experimentsCommand(sub, out, err);
    case "results":
      return (await import("./cli/experiments.ts")).resultsCommand(sub, out, err);
    case "init":
      return (await import("./cli/init.ts")).initCommand(sub, out);
    default:
      return fail(Codes.USAGE, `unknown command '${command}'`, { hint: "commands: run-experiment, run, status, find-launcher, launchers, schema, init, diff, jobs, experiments, results, graph, report, actions, services (see --help)" });
  }
}
