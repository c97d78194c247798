// Evaluate: ranks the test queries with BM25 and measures MRR and nDCG@5. Parameters left in the
// job folder by an init task (parameters.json, see load.mjs) replace the configured ones.
import { existsSync, writeFileSync } from "node:fs";
import { args, bm25, dataset, measure, readJson } from "./common.mjs";

const a = args(process.argv.slice(2));
const data = dataset(a.dataset);
const index = readJson(a.index);
const { k1, b } = existsSync("parameters.json") ? readJson("parameters.json") : { k1: Number(a.k1), b: Number(a.b) };
const rankings = Object.fromEntries(Object.entries(data.queries.test).map(([q, text]) => [q, bm25(index, text, k1, b)]));
const metrics = { ...measure(rankings, data.qrels), k1, b };
writeFileSync(a.out, `${JSON.stringify(metrics)}\n`);
console.log(`${a.dataset} test: MRR ${metrics.mrr.toFixed(3)}, nDCG@5 ${metrics.ndcg5.toFixed(3)} (k1=${k1}, b=${b})`);
