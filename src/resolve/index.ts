/**
 * resolve: assigns each planned job a launcher and fixed resources. Until requirement strings and
 * launchers.yaml are matched (requirements issue), every job runs on the local launcher with one core.
 */
import type { Plan, ResolvedPlan } from "../model/plan.ts";

/** The launcher used when the user configured none. */
export const LOCAL_LAUNCHER = { id: "local", type: "local" } as const;

export function resolve(plan: Plan): ResolvedPlan {
  return {
    experimentId: plan.experimentId,
    jobs: plan.jobs.map((job) => ({
      ...job,
      resources: {
        launcher: job.launcher ?? LOCAL_LAUNCHER.id,
        backend: LOCAL_LAUNCHER.type,
        cpus: 1,
        memory: undefined,
        duration: undefined,
        gpus: 0,
        options: {},
      },
    })),
  };
}
