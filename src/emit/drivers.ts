/**
 * View-models of the experiment drivers: run-local.sh, status.sh, and one submit script per
 * scheduler backend present in the plan (submit-slurm.sh, submit-oar.sh).
 */
import { backendFor, schedulerBackends } from "../backends/index.ts";
import type { ResolvedPlan } from "../model/plan.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { render } from "./templates.ts";

/** Driver file name -> content, for `experiments/<id>/`. */
export function drivers(plan: ResolvedPlan): Map<string, string> {
  const out = new Map<string, string>();
  const jobs = plan.jobs.map((j) => ({
    dir: shellQuote(j.jobPath),
    name: shellQuote(j.name),
    scheduler: backendFor(j.resources.backend).scheduler ? j.resources.backend : "local",
  }));
  const base = { experimentId: plan.experimentId, total: plan.jobs.length, jobs };
  out.set("run-local.sh", render("run-local.sh", base));
  out.set("status.sh", render("status.sh", base));
  for (const backend of schedulerBackends()) {
    const mine = plan.jobs.filter((j) => j.resources.backend === backend.key);
    if (mine.length === 0) continue;
    const indexOf = new Map(plan.jobs.map((j) => [j.key, j.index]));
    const parentsOfMine = new Set(mine.flatMap((j) => j.deps));
    const lines: string[] = [];
    for (const j of plan.jobs) {
      const where = [String(j.index), j.jobPath, j.name];
      if (j.resources.backend === backend.key) lines.push(`xpm_submit ${shellJoin([...where, ...j.deps.map((d) => String(indexOf.get(d)))])}`);
      else if (parentsOfMine.has(j.key)) lines.push(`xpm_elsewhere ${shellJoin(where)}`);
    }
    out.set(backend.scheduler!.driver, render(backend.scheduler!.driver, { experimentId: plan.experimentId, total: mine.length, jobs: lines }));
  }
  return out;
}
