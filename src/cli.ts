/**
 * The command line: parses arguments, dispatches to src/cli/*, prints diagnostics once, and
 * maps outcomes to exit statuses: 0 success, 1 a job failed or did not run (or a golden
 * mismatch), 2 a user error, 130 interrupted.
 */
import { parseArgs } from "./cli/args.ts";
import { findLauncherCommand, runCommand, schemaCommand, statusCommand } from "./cli/commands.ts";
import { initCommand } from "./cli/init.ts";
import { runExperimentCommand } from "./cli/run-experiment.ts";
import type { Out } from "./cli/shared.ts";
import { Codes, XpmError, fail, formatDiagnostics } from "./model/diagnostics.ts";

const VERSION = "0.1.0";

const HELP = `experimaestro-ts ${VERSION} — compile experiments into reviewable job scripts

Usage:
  experimaestro run-experiment <yaml> [options]   compile an experiment and run it (or not, by --run-mode)
  experimaestro run <workspace> <experiment-id>   run / submit an already prepared experiment
  experimaestro status <workspace> <experiment-id> [--json]
                                                  each job's state: markers, scheduler ids and states
  experimaestro find-launcher "<requirements>"    which launcher a requirement string gets, and why
                                                  (experimaestro's find-launchers works too)
  experimaestro schema <yaml-or-module> [-o FILE] JSON Schema of the experiment YAML, for editors
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
  --golden DIR           compare the prepare output with DIR (unified diff, exit 1 on a difference)
  --update-golden        with --golden: rewrite DIR
  -j, --parallel N       at most N jobs at once (the runner also keeps within the local
                         launcher's cores, memory and GPUs: launchers.yaml, else detected)
  --fail-fast            stop starting jobs after the first failure (default: --keep-going,
                         independent branches go on)
  --xpm-config-dir DIR   the settings folder (settings.yaml, launchers.yaml; default:
                         $XPM_CONFIG_DIR, else ~/.config/experimaestro)
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
    const sub = { ...p, positional: rest };
    switch (command) {
      case "run-experiment":
        return await runExperimentCommand(sub, out, err);
      case "run":
        return await runCommand(sub, out, err);
      case "status":
        return statusCommand(sub, out);
      case "find-launcher":
      case "find-launchers": // experimaestro's spelling
        return findLauncherCommand(sub, out);
      case "schema":
        return await schemaCommand(sub, out);
      case "init":
        return initCommand(sub, out);
      default:
        return fail(Codes.USAGE, `unknown command '${command}'`, { hint: "commands: run-experiment, run, status, find-launcher, schema, init (see --help)" });
    }
  } catch (e) {
    if (e instanceof XpmError) {
      err(formatDiagnostics(e.diagnostics));
      return 2;
    }
    throw e;
  }
}
