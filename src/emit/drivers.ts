/**
 * View-models of the experiment drivers: run-local.sh, status.sh, and one submit script per
 * scheduler backend present in the plan (submit-slurm.sh, submit-oar.sh).
 */
import type { Backend, Backends } from "../model/backend.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { render } from "./templates.ts";

/** Driver file name -> how to make its content, for `experiments/<id>/` (made only if needed). */
export function drivers(plan: ResolvedPlan, backends: Backends): Map<string, () => string> {
  const out = new Map<string, () => string>();
  let base: object | undefined;
  const local = () =>
    (base ??= {
      experimentId: plan.experimentId,
      total: plan.jobs.length,
      jobs: plan.jobs.map((j) => ({
        dir: shellQuote(j.jobPath),
        name: shellQuote(j.name),
        scheduler: backends.of(j.resources.backend).scheduler ? j.resources.backend : "local",
      })),
    });
  out.set("run-local.sh", () => render("run-local.sh", local()));
  out.set("status.sh", () => render("status.sh", local()));
  for (const backend of backends.schedulers()) {
    const mine = plan.jobs.filter((j) => j.resources.backend === backend.key);
    if (mine.length === 0) continue;
    out.set(backend.scheduler!.driver, () => schedulerDriver(plan, backend, mine));
  }
  return out;
}

/** submit-<scheduler>.sh: the jobs of one scheduler, and the jobs elsewhere they wait for. */
function schedulerDriver(plan: ResolvedPlan, backend: Backend, mine: readonly ResolvedJob[]): string {
  const indexOf = new Map(plan.jobs.map((j) => [j.key, j.index]));
  const parentsOfMine = new Set(mine.flatMap((j) => j.deps));
  const lines: string[] = [];
  for (const j of plan.jobs) {
    const where = [String(j.index), j.jobPath, j.name];
    if (j.resources.backend === backend.key) lines.push(`xpm_submit ${shellJoin([...where, ...j.deps.map((d) => String(indexOf.get(d)))])}`);
    else if (parentsOfMine.has(j.key)) lines.push(`xpm_elsewhere ${shellJoin(where)}`);
  }
  return render(backend.scheduler!.driver, { experimentId: plan.experimentId, total: mine.length, jobs: lines });
}
