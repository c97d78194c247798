// Report: one Markdown table of every evaluation (label, dataset, then metrics paths in that order).
import { writeFileSync } from "node:fs";
import { args, readJson } from "./common.mjs";

const a = args(process.argv.slice(2));
const lines = [`# ${a.title}`, "", "| run | dataset | MRR | nDCG@5 | k1 | b |", "|---|---|---|---|---|---|"];
for (let i = 0; i < a.rest.length; i += 3) {
  const [label, name, path] = a.rest.slice(i, i + 3);
  const m = readJson(path);
  lines.push(`| ${label} | ${name} | ${m.mrr.toFixed(3)} | ${m.ndcg5.toFixed(3)} | ${m.k1} | ${m.b} |`);
}
writeFileSync(a.out, `${lines.join("\n")}\n`);
console.log(lines.join("\n"));
