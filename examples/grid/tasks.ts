/**
 * Tasks of the example: fit a tiny linear model on generated data (train), measure it on
 * held-out data (evaluate), and gather every evaluation into one table (report).
 * Each task is a command: the job script shows the real `node script.mjs ...` line.
 */
import { asset, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "experimaestro-ts";

// The scripts folder is shipped into the workspace (content-addressed), so jobs need nothing outside it.
const scripts = asset(new URL("./scripts/", import.meta.url));
const script = (name: string) => scripts.file(name);

// What Train and Evaluate return: configs that hold a path. Created in `outputs`, each carries its
// producer in its identifier (experimaestro's dep(Checkpoint(...))), so the consumers differ too.
export const Model = defineConfig("grid.Model", { path: meta(pathType()) });
export const Metrics = defineConfig("grid.Metrics", { path: meta(pathType()) });

export const Train = defineTask(
  "grid.Train",
  {
    lr: param(z.number(), { help: "learning rate of the gradient descent" }),
    seed: param(z.int(), { help: "seed of the generated data and of the initial weights" }),
    epochs: param(z.int().positive(), { default: 200, ignoreDefault: true }),
    samples: param(z.int().positive(), { default: 256, ignoreDefault: true }),
    model: pathGen("model.json"),
  },
  {
    command: (p) => ["node", script("train.mjs"), "--lr", p.lr, "--seed", p.seed, "--epochs", p.epochs, "--samples", p.samples, "--out", p.model],
    requirements: "duration=10m & cpu(cores=1, mem=1GiB)",
    outputs: (self) => ({ model: Model.create({ path: self.values.model }) }),
  },
);

export const Evaluate = defineTask(
  "grid.Evaluate",
  {
    model: param(Model, { help: "the model written by a Train job" }),
    samples: param(z.int().positive(), { default: 1000, ignoreDefault: true }),
    metrics: pathGen("metrics.json"),
  },
  {
    command: (p) => ["node", script("evaluate.mjs"), "--model", p.model.values.path, "--samples", p.samples, "--out", p.metrics],
    requirements: "cpu(cores=1)",
    // Read back by `experimaestro results` and loadXpInfo: one row per evaluation.
    results: "metrics.json",
    outputs: (self) => ({ metrics: Metrics.create({ path: self.values.metrics }) }),
  },
);

export const Report = defineTask(
  "grid.Report",
  {
    title: param(z.string()),
    metrics: param(z.array(Metrics.schema), { help: "the metrics of the Evaluate jobs" }),
    table: pathGen("results.md"),
  },
  {
    command: (p) => ["node", script("report.mjs"), "--title", p.title, "--out", p.table, ...p.metrics.map((m) => m.values.path)],
  },
);
