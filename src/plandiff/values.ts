/** Parameter values compared (deep, with dotted paths) and shown short. */

export interface ValueChange {
  /** `epochs`, `model.lr`, `metrics[2]`, or a resource field. */
  path: string;
  /** undefined: absent on that side. */
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const equal = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Where two values differ: into objects of the same type, into arrays of the same length. */
export function diffValues(a: unknown, b: unknown, path = "", out: ValueChange[] = []): ValueChange[] {
  if (equal(a, b)) return out;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (isObject(a) && isObject(b) && a.$type === b.$type) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffValues(a[k], b[k], at(k), out);
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffValues(x, b[i], `${path}[${i}]`, out));
  } else out.push({ path, before: a, after: b });
  return out;
}

const MAX = 40;

/** A value in a few characters: identifiers cut to 8 hex, long values cut with an ellipsis. */
export function showValue(v: unknown): string {
  if (v === undefined) return "(none)";
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? "" : "s"}]`;
  let s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  if (isObject(v) && typeof v.$type === "string") s = v.$type;
  s = s.replace(/([0-9a-f]{8})[0-9a-f]{56}/g, "$1…");
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

/** `old → new`, and for lists of different lengths what was added and removed. */
export function showChange(c: ValueChange): string {
  let s = `${c.path} ${showValue(c.before)} → ${showValue(c.after)}`;
  if (Array.isArray(c.before) && Array.isArray(c.after)) {
    const count = (xs: unknown[]) => {
      const m = new Map<string, number>();
      for (const x of xs) m.set(JSON.stringify(x), (m.get(JSON.stringify(x)) ?? 0) + 1);
      return m;
    };
    const [ca, cb] = [count(c.before), count(c.after)];
    let added = 0;
    let removed = 0;
    for (const [k, n] of cb) added += Math.max(0, n - (ca.get(k) ?? 0));
    for (const [k, n] of ca) removed += Math.max(0, n - (cb.get(k) ?? 0));
    const parts = [...(added ? [`+${added}`] : []), ...(removed ? [`-${removed}`] : [])];
    if (parts.length) s += ` (${parts.join(" ")})`;
  }
  return s;
}

/** The differing middle of two word lists (common prefix and suffix dropped), as `old → new`. */
export function wordsChange(a: readonly string[], b: readonly string[]): ValueChange | undefined {
  if (equal(a, b)) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  const mid = (xs: readonly string[]) => xs.slice(i, xs.length - j).join(" ");
  return { path: "command", before: mid(a), after: mid(b) };
}
