// Fits y = w x + b by gradient descent on generated data and writes the model as JSON.
import { writeFileSync } from "node:fs";
import { args, data, random } from "./common.mjs";

const { named } = args();
const lr = Number(named.lr);
const seed = Number(named.seed);
const epochs = Number(named.epochs);
const points = data(seed, Number(named.samples));
const rand = random(seed + 1000);
let w = rand() - 0.5;
let b = rand() - 0.5;
for (let epoch = 0; epoch < epochs; epoch++) {
  let gw = 0;
  let gb = 0;
  for (const [x, y] of points) {
    const err = w * x + b - y;
    gw += (2 * err * x) / points.length;
    gb += (2 * err) / points.length;
  }
  w -= lr * gw;
  b -= lr * gb;
  if (epoch % 50 === 0) console.log(`epoch ${epoch}: w=${w.toFixed(4)} b=${b.toFixed(4)}`);
}
writeFileSync(named.out, JSON.stringify({ lr, seed, epochs, w, b }, null, 2) + "\n");
console.log(`model written to ${named.out}`);
