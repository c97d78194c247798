/**
 * The library's building blocks: a collection, a retriever, and the tasks of an IR evaluation
 * (index, tune, evaluate, report). A downstream experiment uses them through `irExperiment`, or
 * directly. The scripts folder ships with every workspace that uses a task.
 */
import { asset, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "experimaestro-ts";

const scripts = asset(new URL("./scripts/", import.meta.url));
const script = (name: string) => scripts.file(name);

/** The toy collections shipped in scripts/data/. */
export const DATASETS = ["cooking", "space"] as const;

export const Dataset = defineConfig("xpmdomain.Dataset", { name: param(z.enum(DATASETS)) });

/** A BM25 retriever: a config (no job of its own), evaluated by Evaluate. */
export const BM25 = defineConfig("xpmdomain.BM25", {
  k1: param(z.number().positive(), { default: 0.9 }),
  b: param(z.number().min(0).max(1), { default: 0.4 }),
});

/** Outputs: configs holding a path, marked by the job that made them (so consumers differ too). */
export const IndexFile = defineConfig("xpmdomain.IndexFile", { path: meta(pathType()) });
export const Metrics = defineConfig("xpmdomain.Metrics", { path: meta(pathType()) });

export const Index = defineTask(
  "xpmdomain.Index",
  { dataset: param(Dataset), index: pathGen("index.json") },
  {
    command: (p) => ["node", script("index.mjs"), "--dataset", p.dataset.values.name, "--out", p.index],
    requirements: "cpu(cores=1)",
    outputs: (self) => ({ index: IndexFile.create({ path: self.values.index }) }),
  },
);

/**
 * Runs in the job of the task it is given to (`initTasks`), before it: copies tuned parameters
 * into that job's folder. As xpmir's model loaders, it is what a learning task returns.
 */
export const LoadParameters = defineTask(
  "xpmdomain.LoadParameters",
  { retriever: param(BM25), path: meta(pathType()), into: pathGen("parameters.json") },
  { lightweight: true, command: (p) => ["node", script("load.mjs"), p.path, p.into] },
);

/** Learns BM25's parameters on the dev queries; returns the loader of what it learnt. */
export const Tune = defineTask(
  "xpmdomain.Tune",
  { dataset: param(Dataset), index: param(IndexFile), retriever: param(BM25), parameters: pathGen("parameters.json") },
  {
    command: (p) => [
      "node", script("tune.mjs"), "--dataset", p.dataset.values.name, "--index", p.index.values.path,
      "--k1", p.retriever.values.k1, "--b", p.retriever.values.b, "--out", p.parameters,
    ],
    requirements: "cpu(cores=1)",
    outputs: (self) => LoadParameters.create({ retriever: self.values.retriever, path: self.values.parameters }),
  },
);

export const Evaluate = defineTask(
  "xpmdomain.Evaluate",
  { dataset: param(Dataset), index: param(IndexFile), retriever: param(BM25), metrics: pathGen("metrics.json") },
  {
    command: (p) => [
      "node", script("evaluate.mjs"), "--dataset", p.dataset.values.name, "--index", p.index.values.path,
      "--k1", p.retriever.values.k1, "--b", p.retriever.values.b, "--out", p.metrics,
    ],
    requirements: "cpu(cores=1)",
    outputs: (self) => ({ metrics: Metrics.create({ path: self.values.metrics }) }),
  },
);

export const Report = defineTask(
  "xpmdomain.Report",
  {
    title: param(z.string()),
    labels: param(z.array(z.string())),
    datasets: param(z.array(z.string())),
    metrics: param(z.array(Metrics.schema)),
    table: pathGen("results.md"),
  },
  {
    command: (p) => [
      "node", script("report.mjs"), "--title", p.title, "--out", p.table,
      ...p.metrics.flatMap((m, i) => [p.labels[i]!, p.datasets[i]!, m.values.path]),
    ],
  },
);
