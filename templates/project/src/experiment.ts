/**
 * The experiment: `run(helper, cfg)` submits tasks; experimaestro-ts compiles what it submits into
 * a static plan of jobs (`npm run plan` lists them, `npm run experiment` runs them).
 */
import { ExperimentConfig, gridOf, z, type Helper } from "experimaestro-ts";
import { Evaluate, Train } from "./tasks.ts";

/** The keys of normal.yaml (with the experiment's own: id, file, title...). */
export const Configuration = ExperimentConfig.extend({
  lrs: gridOf(z.number().positive()),
  seeds: gridOf(z.int()),
  epochs: z.int().positive().default(100),
});

export function run(helper: Helper, cfg: z.infer<typeof Configuration>) {
  for (const lr of cfg.lrs) {
    for (const seed of cfg.seeds) {
      const train = Train.create({ lr, seed, epochs: cfg.epochs }).tag("lr", lr).tag("seed", seed);
      const { model } = helper.submit(train); // typed: what Train's `outputs` returns
      helper.submit(Evaluate.create({ model }));
    }
  }
}
