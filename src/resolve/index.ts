/**
 * resolve: each planned job gets a launcher and fixed resources, from its requirement string
 * (or a launcher forced at submission) matched against the launchers. All problems are
 * collected: a bad requirement, an unknown launcher, or nothing that fits (with every refusal).
 */
import { Codes, XpmError, type Diagnostic, type Where } from "../model/diagnostics.ts";
import type { Launcher } from "../model/launchers.ts";
import { resolvedJob, type Plan, type PlannedJob, type ResolvedJob, type ResolvedPlan, type ResolvedResources } from "../model/plan.ts";
import { findLauncher, refusal, type Refusal } from "./match.ts";
import { DEFAULT_REQUIREMENT, parseRequirement, type HostRequirement, type Requirement } from "./requirements.ts";
import { jobLabel } from "../model/workspace.ts";
import { unquotable } from "../util/shell.ts";

function resources(l: Launcher, host: HostRequirement, env: readonly [string, string][]): ResolvedResources {
  return {
    launcher: l.id,
    backend: l.type,
    cpus: host.cores,
    memory: host.memory,
    duration: host.duration,
    gpus: host.accelerators.length,
    options: l.options,
    extra: l.extra,
    killOnInvalidDep: l.killOnInvalidDep,
    env: [...Object.entries(l.env), ...env],
  };
}

/** "a: reason; b: reason", alternative by alternative. */
export function explainRefusals(refusals: readonly Refusal[], alternatives: number): string {
  const lines: string[] = [];
  for (let alt = 0; alt < alternatives; alt++) {
    const mine = refusals.filter((r) => r.alternative === alt);
    const prefix = alternatives > 1 ? `alternative ${alt + 1}: ` : "";
    lines.push(...mine.map((r) => `${prefix}${r.launcher}: ${r.reason}`));
  }
  return lines.join("\n");
}

/** Where a string of the experiment's configuration was written, found by value (see load). */
export type ValueLocator = (value: string, offset?: number) => Where | undefined;

function resolveJob(job: PlannedJob, launchers: readonly Launcher[], env: readonly [string, string][], problems: Diagnostic[], locate: ValueLocator | undefined): ResolvedJob | undefined {
  const label = jobLabel({ task: job.taskId, hash: job.hash });
  const where = { path: label };
  let req: Requirement = DEFAULT_REQUIREMENT;
  if (job.requirements !== undefined) {
    const parsed = parseRequirement(job.requirements);
    if (!parsed.ok) {
      // A string from the YAML or -c is shown where it was written; the job is named in the message.
      const written = locate?.(job.requirements, parsed.start);
      const message = `${job.taskId}: ${parsed.error.message}${written ? ` (the requirements of ${label})` : ""}`;
      problems.push({ ...parsed.error, message, where: written ?? where });
      return undefined;
    }
    req = parsed.value;
  }
  if (job.launcher !== undefined) {
    const forced = launchers.find((l) => l.id === job.launcher);
    if (!forced) {
      problems.push({ code: Codes.UNKNOWN_LAUNCHER, message: `${job.taskId} asks for launcher '${job.launcher}', which is not declared`, where, hint: `declared launchers: ${launchers.map((l) => l.id).join(", ")}` });
      return undefined;
    }
    const alt = req.findIndex((h) => refusal(h, forced) === undefined);
    if (alt < 0) {
      const reasons = req.map((h) => refusal(h, forced)).join("; ");
      problems.push({ code: Codes.NO_LAUNCHER, message: `${job.taskId} is forced onto launcher '${forced.id}', which cannot run it: ${reasons}`, where, hint: "change the requirements or the launcher" });
      return undefined;
    }
    return { ...job, resources: resources(forced, req[alt]!, env) };
  }
  const found = findLauncher(req, launchers);
  if ("refusals" in found) {
    problems.push({
      code: Codes.NO_LAUNCHER,
      message: `no launcher can run ${job.taskId} (requirements: ${job.requirements ?? "none"})`,
      where,
      excerpt: explainRefusals(found.refusals, req.length),
      hint: "lower the requirements, add an alternative with '|', or declare a launcher that offers them in launchers.yaml",
    });
    return undefined;
  }
  return { ...job, resources: resources(found.match.launcher, found.match.host, env) };
}

/** Environment values become `export` lines of every job script: a NUL cannot be written there. */
function envProblems(launchers: readonly Launcher[], env: readonly [string, string][]): Diagnostic[] {
  const sources: [string, readonly [string, string][]][] = [...launchers.map((l): [string, [string, string][]] => [`launcher '${l.id}' (launchers.yaml)`, Object.entries(l.env)]), ["the settings or --env", env]];
  return sources.flatMap(([source, vars]) =>
    vars.flatMap(([k, v]): Diagnostic[] => {
      const bad = unquotable(v);
      if (bad === undefined) return [];
      return [{ code: Codes.UNQUOTABLE, message: `the environment variable ${k} of ${source} holds ${bad.reason}, which no job script can carry`, where: { path: `env.${k}` }, hint: `remove it from the value of ${k}` }];
    }),
  );
}

/**
 * `env`: the experiment's job environment (workspace, settings, --env), after the launcher's;
 * `locate`: where a requirement string was written in the configuration, when it comes from there.
 */
export function resolve(plan: Plan, launchers: readonly Launcher[], env: readonly [string, string][] = [], locate?: ValueLocator): ResolvedPlan {
  const problems: Diagnostic[] = envProblems(launchers, env);
  // Grids repeat a few requirement strings many times: parse and match each once.
  const cache = new Map<string, ResolvedResources | Diagnostic>();
  const jobs = plan.jobs.map((j): ResolvedJob | undefined => {
    const key = `${j.taskId}\u0000${j.requirements ?? ""}\u0000${j.launcher ?? ""}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      const found: Diagnostic[] = [];
      const resolved = resolveJob(j, launchers, env, found, locate);
      hit = resolved ? resolved.resources : found[0]!;
      cache.set(key, hit);
    }
    if ("code" in hit) {
      // One diagnostic per distinct problem, not one per job of a grid.
      if (!problems.includes(hit)) problems.push(hit);
      return undefined;
    }
    return resolvedJob(j, hit);
  });
  if (problems.length) throw new XpmError(problems);
  return { experimentId: plan.experimentId, jobs: jobs as ResolvedJob[] };
}
