/** A unified diff of two texts (for `--golden`), from a longest-common-subsequence table. */

const CONTEXT = 3;
/** Beyond this many line pairs the table is too large: show the whole files as replaced. */
const MAX_CELLS = 4_000_000;

type Op = { kind: " " | "-" | "+"; line: string; a: number; b: number };

function ops(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((line, i) => ({ kind: "-" as const, line, a: i, b: 0 })), ...b.map((line, j) => ({ kind: "+" as const, line, a: a.length, b: j }))];
  }
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push({ kind: " ", line: a[i]!, a: i++, b: j++ });
    // Deletions before insertions, as diff(1) prints them.
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ kind: "-", line: a[i]!, a: i++, b: j });
    else out.push({ kind: "+", line: b[j]!, a: i, b: j++ });
  }
  return out;
}

/** `--- old` / `+++ new` and `@@` hunks with three lines of context; empty when equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return "";
  const all = ops(oldText.split("\n"), newText.split("\n"));
  const lines = [`--- ${oldName}`, `+++ ${newName}`];
  let k = 0;
  while (k < all.length) {
    if (all[k]!.kind === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while changes are within 2*CONTEXT lines of each other.
    while (end < all.length) {
      let next = end;
      while (next < all.length && all[next]!.kind === " ") next++;
      if (next >= all.length || next - end > 2 * CONTEXT) break;
      end = next + 1;
    }
    const stop = Math.min(all.length, end + CONTEXT);
    const hunk = all.slice(start, stop);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    lines.push(`@@ -${hunk[0]!.a + 1},${aCount} +${hunk[0]!.b + 1},${bCount} @@`);
    for (const o of hunk) lines.push(`${o.kind}${o.line}`);
    k = stop;
  }
  return lines.join("\n");
}
