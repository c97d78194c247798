/** @example/xpm-domain: IR building blocks and the experiment helper of a domain library. */
export { BM25, DATASETS, Dataset, Evaluate, Index, IndexFile, LoadParameters, Metrics, Report, Tune } from "./tasks.ts";
export { IRConfiguration, IRHelper, irExperiment } from "./experiment.ts";
export type { EvaluateOptions, IRConfig } from "./experiment.ts";
