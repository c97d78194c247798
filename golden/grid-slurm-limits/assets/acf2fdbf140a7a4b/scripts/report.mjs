// Gathers evaluations into a Markdown table, best first.
import { readFileSync, writeFileSync } from "node:fs";
import { args } from "./common.mjs";

const { named, rest } = args();
const rows = rest.map((f) => JSON.parse(readFileSync(f, "utf8"))).sort((a, b) => a.mse - b.mse);
const lines = [`# ${named.title}`, "", "| lr | seed | w | b | test MSE |", "|---|---|---|---|---|"];
for (const r of rows) lines.push(`| ${r.lr} | ${r.seed} | ${r.w.toFixed(4)} | ${r.b.toFixed(4)} | ${r.mse.toFixed(6)} |`);
writeFileSync(named.out, lines.join("\n") + "\n");
console.log(lines.join("\n"));
