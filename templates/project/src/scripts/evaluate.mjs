// Measures a model on held-out data (mean squared error).
import { readFileSync, writeFileSync } from "node:fs";
import { args, samples } from "./data.mjs";

const a = args(process.argv.slice(2));
const { w, b } = JSON.parse(readFileSync(a.model, "utf8"));
const test = samples(12345, 500);
const mse = test.reduce((s, { x, y }) => s + (w * x + b - y) ** 2, 0) / test.length;
writeFileSync(a.out, `${JSON.stringify({ mse })}\n`);
console.log(`mse=${mse.toFixed(5)}`);
