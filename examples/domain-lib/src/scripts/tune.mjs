// Tune: the BM25 parameters with the best MRR (then nDCG@5) on the dev queries, by grid search.
import { writeFileSync } from "node:fs";
import { args, bm25, dataset, measure, readJson } from "./common.mjs";

const a = args(process.argv.slice(2));
const data = dataset(a.dataset);
const index = readJson(a.index);
let best = { k1: Number(a.k1), b: Number(a.b), mrr: -1, ndcg5: -1 };
for (const k1 of [0.3, 0.6, 0.9, 1.2, 1.6, 2.0]) {
  for (const b of [0.1, 0.3, 0.5, 0.75, 0.9]) {
    const rankings = Object.fromEntries(Object.entries(data.queries.dev).map(([q, text]) => [q, bm25(index, text, k1, b)]));
    const { mrr, ndcg5 } = measure(rankings, data.qrels);
    if (mrr > best.mrr || (mrr === best.mrr && ndcg5 > best.ndcg5)) best = { k1, b, mrr, ndcg5 };
  }
}
writeFileSync(a.out, `${JSON.stringify(best)}\n`);
console.log(`tuned on ${a.dataset} dev: k1=${best.k1} b=${best.b} (MRR ${best.mrr.toFixed(3)})`);
