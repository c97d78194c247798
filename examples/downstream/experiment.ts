// A downstream experiment: the domain library does the indexing, tuning, evaluation and report.
import { BM25, IRConfiguration, irExperiment } from "@example/xpm-domain";
import { gridOf, z } from "experimaestro-ts";

export const Configuration = IRConfiguration.extend({ k1: gridOf(z.number().positive()) });

export const run = irExperiment<z.infer<typeof Configuration>>((xp, cfg) => {
  for (const k1 of cfg.k1) xp.evaluate(`BM25 k1=${k1}`, BM25.create({ k1 }));
  xp.evaluate("BM25 tuned", BM25.create({}), { tune: true });
});
