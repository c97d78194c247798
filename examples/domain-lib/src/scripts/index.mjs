// Index: term frequencies, document lengths and document frequencies of a collection.
import { writeFileSync } from "node:fs";
import { args, dataset, tokens } from "./common.mjs";

const a = args(process.argv.slice(2));
const docs = {};
const df = {};
for (const [id, text] of Object.entries(dataset(a.dataset).documents)) {
  const words = tokens(text);
  const tf = {};
  for (const w of words) tf[w] = (tf[w] ?? 0) + 1;
  for (const w of Object.keys(tf)) df[w] = (df[w] ?? 0) + 1;
  docs[id] = { length: words.length, tf };
}
const lengths = Object.values(docs).map((d) => d.length);
const index = { n: lengths.length, avgLength: lengths.reduce((s, l) => s + l, 0) / lengths.length, df, docs };
writeFileSync(a.out, `${JSON.stringify(index)}\n`);
console.log(`indexed ${index.n} documents of ${a.dataset}`);
