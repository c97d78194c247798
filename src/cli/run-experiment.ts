/**
 * `experimaestro run-experiment`: parses the options, loads the experiment, hands it to the
 * driver (src/prepare.ts) and prints the outcome: the dry-run listing, the golden comparison,
 * what was written, what ran.
 */
import { readdirSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { stringify } from "yaml";
import { load } from "../compile.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { EXPERIMENT_KEYS } from "../model/experiment.ts";
import type { ResolvedJob } from "../model/plan.ts";
import { diskStates } from "../model/state.ts";
import { EXPERIMENT_FILES, experimentDir, experimentFile } from "../model/workspace.ts";
import { prepareExperiment, workspaceFor, type ExperimentRequest, type Mode, type Outcome } from "../prepare.ts";
import { formatSummary } from "../plandiff/summary.ts";
import { displayPath } from "../util/text.ts";
import { envOf, last, type Parsed } from "./args.ts";
import { formatPlan } from "./format.ts";
import { configOpt, host, printRun, runRequest, type Out } from "./shared.ts";

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

/** `--against SIDE`: only with --run-mode dry-run (prepare and normal write; --golden compares already). */
function againstOf(p: Parsed, golden: string | undefined): string | undefined {
  const against = last(p, "--against");
  if (against !== undefined && (golden !== undefined || modeOf(p) !== "dry-run")) {
    fail(Codes.USAGE, "--against goes with --run-mode dry-run", { hint: `experimaestro run-experiment <yaml> --run-mode dry-run --against ${against}` });
  }
  return against;
}

function requestOf(p: Parsed): ExperimentRequest {
  const golden = last(p, "--golden");
  return {
    mode: modeOf(p),
    workspace: last(p, "--workspace"),
    workdir: last(p, "--workdir"),
    cwd: process.cwd(),
    env: envOf(p),
    golden: golden === undefined ? undefined : { dir: resolvePath(golden), update: p.flags.has("--update-golden"), full: p.flags.has("--full") },
    against: againstOf(p, golden),
    run: runRequest(p),
  };
}

/** Where to look: the jobs nothing depends on hold the experiment's final results (their own files, not ours). */
function printResults(jobs: readonly ResolvedJob[], workspace: string, out: Out): void {
  const shown = displayPath(workspace);
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

/** The golden check: the plan summary, then the files that changed other than by a rename. */
function reportGolden(o: Extract<Outcome, { kind: "golden" }>, out: Out, err: Out): number {
  const dir = displayPath(o.dir);
  const c = o.comparison;
  if (o.updated || !c) {
    out(`golden: ${dir} updated (${o.files} files)`);
    return 0;
  }
  if (c.missing) {
    err(`error ${Codes.GOLDEN_MISSING}: no golden at ${dir}: run with --update-golden to create it`);
    return 1;
  }
  if (c.differing === 0) {
    out(`golden: ${o.files} files match ${dir}`);
    return 0;
  }
  if (c.summary) out(`${c.summary.same ? `plan: no job differs (${c.summary.after.jobs} jobs); other files do` : formatSummary(c.summary).join("\n")}\n`);
  if (c.diffs.length) out(c.diffs.join("\n"));
  const renamed = c.renamed ? ` (and ${c.renamed} more only by renamed identifiers: not shown, --full shows every file)` : "";
  err(`error ${Codes.GOLDEN_MISMATCH}: the emitted files differ from ${dir} in ${c.changed} file${c.changed === 1 ? "" : "s"}${renamed}\n  hint: review the diff; if the change is intended, rerun with --update-golden`);
  return 1;
}

/** Prints an outcome; returns the exit status. */
function report(o: Outcome, experimentId: string, out: Out, err: Out): number {
  switch (o.kind) {
    case "golden":
      return reportGolden(o, out, err);
    case "dry-run":
      out(`experiment ${experimentId}: ${o.plan.jobs.length} jobs (dry run: nothing written)`);
      if (!o.against) {
        out(formatPlan(o.plan.jobs, diskStates(o.workspace)));
        if (o.submission.length) out(o.submission.join("\n"));
        return 0;
      }
      out(`compared with ${o.against.before.source}:`);
      out(formatSummary(o.against).join("\n"));
      return o.against.same ? 0 : 1;
    default: {
      const shown = displayPath(o.workspace);
      const xpDir = join(shown, experimentDir(experimentId));
      if (o.kind === "prepared") {
        const drivers = o.drivers.map((d) => `\`bash ${join(shown, experimentFile(experimentId, d))}\``);
        out(`prepared: run with ${drivers.length ? drivers.join(" and ") : `\`bash ${join(xpDir, EXPERIMENT_FILES.runLocal)}\``} or \`experimaestro run ${shown} ${experimentId}\``);
        return 0;
      }
      const status = printRun(o.run, o.workspace, experimentId, out);
      if (o.run.summary?.interrupted) return status;
      printResults(o.plan.jobs, o.workspace, out);
      return status;
    }
  }
}

export async function runExperimentCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const [yaml, ...extra] = p.positional;
  if (!yaml || extra.length) fail(Codes.USAGE, "run-experiment takes one experiment YAML", { hint: "experimaestro run-experiment my_project/normal" });
  const request = requestOf(p);
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
  const h = host(out, err);
  const chosen = workspaceFor(loaded, request, h);
  out(`workspace: ${displayPath(chosen.path)} (${chosen.reason})`);
  return report(await prepareExperiment(loaded, chosen, request, h), xp.id, out, err);
}
