#!/usr/bin/env node
// The floor: a plain Node script, no dependencies, that writes the same folders and files, of
// the same sizes, in the same layout as a prepared workspace (listed in a layout file).
// Usage: node bench/floor.mjs LAYOUT.json TARGET_DIR  — prints the seconds it took.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [layoutFile, target] = process.argv.slice(2);
const layout = JSON.parse(readFileSync(layoutFile, "utf8"));
const start = process.hrtime.bigint();
const made = new Set();
for (const [rel, size] of layout) {
  const path = join(target, rel);
  const dir = dirname(path);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  writeFileSync(path, "x".repeat(size), { mode: rel.endsWith(".sh") ? 0o755 : 0o644 });
}
console.log(Number(process.hrtime.bigint() - start) / 1e9);
