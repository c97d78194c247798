// Fits y = w x + b by gradient descent and writes the model.
import { writeFileSync } from "node:fs";
import { args, samples } from "./data.mjs";

const a = args(process.argv.slice(2));
const data = samples(Number(a.seed), 200);
let w = 0;
let b = 0;
for (let epoch = 0; epoch < Number(a.epochs); epoch++) {
  let gw = 0;
  let gb = 0;
  for (const { x, y } of data) {
    const e = w * x + b - y;
    gw += (2 * e * x) / data.length;
    gb += (2 * e) / data.length;
  }
  w -= Number(a.lr) * gw;
  b -= Number(a.lr) * gb;
}
writeFileSync(a.out, `${JSON.stringify({ w, b })}\n`);
console.log(`trained: w=${w.toFixed(3)} b=${b.toFixed(3)}`);
