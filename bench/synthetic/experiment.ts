// The benchmark experiment: N/2 Learn tasks over lr x seed x model (a sub-config), each
// followed by an Evaluate that depends on it: N jobs in all.
import { Helper, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "experimaestro-ts";

export const Model = defineConfig("bench.Model", { hidden: param(z.int()), layers: param(z.int(), { default: 2 }) });

// What Learn returns: a config holding the checkpoint's path. Created in `outputs`, it carries its
// producer in its identifier, so two Evaluate jobs never differ only by a path (XPM306).
export const Checkpoint = defineConfig("bench.Checkpoint", { path: meta(pathType()) });

export const Learn = defineTask(
  "bench.learn.Learn",
  { model: param(Model), lr: param(z.number()), seed: param(z.int()), epochs: param(z.int(), { default: 10, ignoreDefault: true }), checkpoint: pathGen("model.bin") },
  {
    command: (p) => ["python", "-m", "bench.learn", "--lr", p.lr, "--seed", p.seed, "--hidden", p.model.values.hidden, "--out", p.checkpoint],
    requirements: "duration=2h & cpu(cores=1, mem=2GiB)",
    outputs: (self) => ({ checkpoint: Checkpoint.create({ path: self.values.checkpoint }) }),
  },
);

export const Evaluate = defineTask(
  "bench.Evaluate",
  { checkpoint: param(Checkpoint), metrics: pathGen("metrics.json") },
  { command: (p) => ["python", "-m", "bench.evaluate", "--checkpoint", p.checkpoint.values.path, "--out", p.metrics], requirements: "duration=30m & cpu(cores=1)" },
);

export const Configuration = z.object({ jobs: z.int().positive() });

export function run(helper: Helper, cfg: z.infer<typeof Configuration>) {
  const learns = Math.floor(cfg.jobs / 2);
  const hiddens = [64, 128, 256, 512, 1024];
  const lrs = [1e-2, 3e-3, 1e-3, 3e-4];
  const models = hiddens.map((hidden) => Model.create({ hidden }));
  for (let i = 0; i < learns; i++) {
    const model = models[i % hiddens.length]!;
    const lr = lrs[Math.floor(i / hiddens.length) % lrs.length]!;
    const seed = Math.floor(i / (hiddens.length * lrs.length));
    const { checkpoint } = helper.submit(Learn.create({ model, lr, seed }));
    helper.submit(Evaluate.create({ checkpoint }));
  }
}
