/**
 * Tasks of the example: fit a tiny linear model on generated data (train), measure it on
 * held-out data (evaluate), and gather every evaluation into one table (report).
 * Train is an `execute` task: its TypeScript runs in the job, from the bundle that prepare
 * writes under assets/. Evaluate and Report are commands: their job scripts show the real
 * `node script.mjs ...` line.
 */
import { writeFileSync } from "node:fs";
import { asset, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "experimaestro-ts";
import { data, random } from "./scripts/common.mjs";

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
    // Fits y = w x + b by gradient descent on generated data and writes the model as JSON.
    execute: async (p, ctx) => {
      const points = data(p.seed, p.samples);
      const rand = random(p.seed + 1000);
      let w = rand() - 0.5;
      let b = rand() - 0.5;
      for (let epoch = 0; epoch < p.epochs; epoch++) {
        ctx.signal.throwIfAborted();
        let gw = 0;
        let gb = 0;
        for (const [x, y] of points) {
          const err = w * x + b - y;
          gw += (2 * err * x) / points.length;
          gb += (2 * err) / points.length;
        }
        w -= p.lr * gw;
        b -= p.lr * gb;
        if (!Number.isFinite(w) || !Number.isFinite(b)) throw new Error(`diverged at epoch ${epoch} with lr=${p.lr}: try a smaller learning rate`);
        if (epoch % 50 === 0) ctx.log.info(`epoch ${epoch}: w=${w.toFixed(4)} b=${b.toFixed(4)}`);
        ctx.progress((epoch + 1) / p.epochs, `epoch ${epoch + 1}/${p.epochs}`);
      }
      writeFileSync(p.model, JSON.stringify({ lr: p.lr, seed: p.seed, epochs: p.epochs, w, b }, null, 2) + "\n");
      ctx.log.info(`model written to ${p.model}`);
    },
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
