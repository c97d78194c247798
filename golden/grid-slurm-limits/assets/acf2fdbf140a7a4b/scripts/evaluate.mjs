// Measures a trained model's mean squared error on fresh generated data.
import { readFileSync, writeFileSync } from "node:fs";
import { args, data } from "./common.mjs";

const { named } = args();
const model = JSON.parse(readFileSync(named.model, "utf8"));
const points = data(987654321, Number(named.samples));
const mse = points.reduce((s, [x, y]) => s + (model.w * x + model.b - y) ** 2, 0) / points.length;
if (!(mse < 1e6)) {
  // A learning rate too large for gradient descent: the weights blew up.
  console.error(`the model diverged (lr=${model.lr}): test MSE ${mse}`);
  process.exit(3);
}
writeFileSync(named.out, JSON.stringify({ lr: model.lr, seed: model.seed, w: model.w, b: model.b, mse }, null, 2) + "\n");
console.log(`mse=${mse.toFixed(6)}`);
