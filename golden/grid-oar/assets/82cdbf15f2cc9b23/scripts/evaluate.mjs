// Measures a trained model's mean squared error on fresh generated data.
import { readFileSync, writeFileSync } from "node:fs";
import { args, data } from "./common.mjs";

const { named } = args();
const model = JSON.parse(readFileSync(named.model, "utf8"));
const points = data(987654321, Number(named.samples));
const mse = points.reduce((s, [x, y]) => s + (model.w * x + model.b - y) ** 2, 0) / points.length;
writeFileSync(named.out, JSON.stringify({ lr: model.lr, seed: model.seed, w: model.w, b: model.b, mse }, null, 2) + "\n");
console.log(`mse=${mse.toFixed(6)}`);
