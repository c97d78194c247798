/**
 * The experiment side of the library: a `Configuration` base every IR experiment extends, and
 * `irExperiment(body)`, which turns a short body (the retrievers to compare) into a full
 * `run(helper, cfg)`: indexes, tuning when asked, one evaluation per retriever and collection,
 * and one results table (as xpmir's experiment helper adds its evaluations and reports).
 */
import { ExperimentConfig, z, type Helper } from "experimaestro-ts";
import { BM25, DATASETS, Dataset, Evaluate, Index, IndexFile, Report, Tune } from "./tasks.ts";

/** The YAML keys of every IR experiment (a downstream `Configuration` extends it). */
export const IRConfiguration = ExperimentConfig.extend({
  datasets: z.array(z.enum(DATASETS)).min(1).default([...DATASETS]),
});
export type IRConfig = z.infer<typeof IRConfiguration>;

type Retriever = ReturnType<typeof BM25.create>;
type IndexFileConfig = ReturnType<typeof IndexFile.create>;

export interface EvaluateOptions {
  /** Tune the retriever on each collection's dev queries first; the evaluation loads what was learnt (an init task). */
  tune?: boolean;
}

/** What the body of an IR experiment works with: the experimaestro helper, and the evaluations to run. */
export class IRHelper {
  private readonly evaluations: { label: string; retriever: Retriever; tune: boolean }[] = [];

  constructor(
    readonly helper: Helper,
    readonly cfg: IRConfig,
  ) {}

  /** Evaluates `retriever` on every collection of the configuration, under `label` in the results table. */
  evaluate(label: string, retriever: Retriever, opts: EvaluateOptions = {}): void {
    this.evaluations.push({ label, retriever, tune: opts.tune ?? false });
  }

  /** The index of a collection (one job per collection, however often it is asked for). */
  index(name: (typeof DATASETS)[number]): IndexFileConfig {
    return this.helper.submit(Index.create({ dataset: Dataset.create({ name }) })).index;
  }

  /** Submits every evaluation, then the results table. */
  submitAll(): void {
    const labels: string[] = [];
    const datasets: string[] = [];
    const metrics = [];
    for (const name of this.cfg.datasets) {
      const dataset = Dataset.create({ name });
      const index = this.index(name);
      for (const { label, retriever, tune } of this.evaluations) {
        const initTasks = tune ? [this.helper.submit(Tune.create({ dataset, index, retriever }))] : [];
        const evaluation = Evaluate.create({ dataset, index, retriever }).tag("run", label).tag("dataset", name);
        metrics.push(this.helper.submit(evaluation, { initTasks }).metrics);
        labels.push(label);
        datasets.push(name);
      }
    }
    if (metrics.length) this.helper.submit(Report.create({ title: this.cfg.title ?? this.cfg.id, labels, datasets, metrics }));
  }
}

/** Wraps the body of an IR experiment into the `run(helper, cfg)` experimaestro calls. */
export function irExperiment<C extends IRConfig>(body: (xp: IRHelper, cfg: C) => void | Promise<void>): (helper: Helper, cfg: C) => Promise<void> {
  return async (helper, cfg) => {
    const xp = new IRHelper(helper, cfg);
    await body(xp, cfg);
    xp.submitAll();
  };
}
