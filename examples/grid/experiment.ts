/**
 * The example experiment: a learning-rate x seed grid. Each Train job is followed by an
 * Evaluate job; one Report job gathers every evaluation.
 */
import { z, type Helper } from "experimaestro-ts";
import { Evaluate, Report, Train } from "./tasks.ts";

export const Configuration = z.object({
  table_title: z.string().default("Learning-rate sweep"),
  lrs: z.array(z.number().positive()).min(1),
  seeds: z.array(z.int()).min(1),
  epochs: z.int().positive().default(200),
});

export async function run(helper: Helper, cfg: z.infer<typeof Configuration>) {
  const metrics = [];
  for (const lr of cfg.lrs) {
    for (const seed of cfg.seeds) {
      const train = Train.create({ lr, seed, epochs: cfg.epochs }).tag("lr", lr).tag("seed", seed);
      // submit() returns what the task's `outputs` returns, typed: here a Model config.
      const { model } = helper.submit(train);
      // Evaluate gets Train's tags (lr, seed) through the model config Train produced.
      metrics.push(helper.submit(Evaluate.create({ model })).metrics);
    }
  }
  helper.submit(Report.create({ title: cfg.table_title, metrics }));
}
