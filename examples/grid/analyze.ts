// The analysis step (experimaestro's analyze.py): read back what ran, with its tags, and build the table.
import { loadXpInfo } from "experimaestro-ts";

type Row = { lr: number; seed: number; w: number; b: number; mse: number };
const xp = loadXpInfo(process.argv[2] ?? "examples/grid/workspace", "grid");
const rows = xp.jobs
  .filter((j) => j.task === "grid.Evaluate" && j.state === "done")
  .map((j) => ({ ...j.tags, ...(j.results as object) }) as Row)
  .sort((a, b) => a.mse - b.mse);
console.log("| lr | seed | w | b | test MSE |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.lr} | ${r.seed} | ${r.w.toFixed(4)} | ${r.b.toFixed(4)} | ${r.mse.toFixed(6)} |`);
