// Shared by the job scripts (plain JavaScript: jobs run them with node alone).
import { readFileSync } from "node:fs";

/** `--key value` pairs, then the remaining words. */
export function args(argv) {
  const out = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) out[argv[i].slice(2)] = argv[++i];
    else out.rest.push(argv[i]);
  }
  return out;
}

export const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** A toy collection shipped with the library (documents, dev and test queries, relevance judgements). */
export const dataset = (name) => readJson(new URL(`./data/${name}.json`, import.meta.url));

export const tokens = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** Document ids ranked by BM25 for a query, over an index written by index.mjs. */
export function bm25(index, query, k1, b) {
  const scores = [];
  for (const [id, doc] of Object.entries(index.docs)) {
    let s = 0;
    for (const t of new Set(tokens(query))) {
      const tf = doc.tf[t] ?? 0;
      if (!tf) continue;
      const df = index.df[t];
      const idf = Math.log(1 + (index.n - df + 0.5) / (df + 0.5));
      s += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / index.avgLength));
    }
    if (s > 0) scores.push([id, s]);
  }
  return scores.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([id]) => id);
}

/** Mean reciprocal rank and nDCG@5 of rankings against binary judgements. */
export function measure(rankings, qrels) {
  let rr = 0;
  let ndcg = 0;
  const ids = Object.keys(rankings);
  for (const q of ids) {
    const relevant = new Set(qrels[q]);
    const ranked = rankings[q];
    const first = ranked.findIndex((d) => relevant.has(d));
    rr += first < 0 ? 0 : 1 / (first + 1);
    const dcg = ranked.slice(0, 5).reduce((s, d, i) => s + (relevant.has(d) ? 1 / Math.log2(i + 2) : 0), 0);
    const ideal = [...Array(Math.min(5, relevant.size)).keys()].reduce((s, i) => s + 1 / Math.log2(i + 2), 0);
    ndcg += dcg / ideal;
  }
  return { mrr: rr / ids.length, ndcg5: ndcg / ids.length };
}
