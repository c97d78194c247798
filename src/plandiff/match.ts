/**
 * Which job of the new plan is which job of the old one. Not by identifier (a changed value
 * changes it, and every identifier below it): by task and position in the plan.
 *
 * 1. A job with the same key (task and identifier) is the same job.
 * 2. Strict: in topological order, a new job whose parents are all matched is matched with an
 *    unmatched old job of the same task, the same tags (its own: see ownTags) and exactly the
 *    matched parents.
 * 3. Relaxed, for what is left: same task and tags, sharing at least one matched parent
 *    (a report over a grid that gained a value); most shared parents first.
 * Steps 2 and 3 repeat until nothing more matches (a relaxed match lets its children match
 * strictly). Among several candidates, the one with the most similar params wins, then the
 * earliest in the old plan: the result never depends on identifiers.
 */
import type { ManifestJob } from "../model/manifest.ts";

/** How alike two jobs of one task are (higher is closer). */
export type Similarity = (before: ManifestJob, after: ManifestJob) => number;

/**
 * The tags a job sets itself: those no parent has with the same value. Tags are inherited
 * from the configs a job uses (as in experimaestro), so a report over a grid carries some
 * grid point's tags: those say where its parents are, not where it is.
 */
export function ownTags(job: ManifestJob, byKey: ReadonlyMap<string, ManifestJob>): [string, unknown][] {
  const parents = job.deps.map((d) => byKey.get(d)?.tags ?? {});
  return Object.entries(job.tags)
    .filter(([k, v]) => !parents.some((t) => Object.hasOwn(t, k) && t[k] === v))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A canonical text of a job's own tags. */
function tagsKeys(jobs: readonly ManifestJob[]): Map<string, string> {
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  return new Map(jobs.map((j) => [j.key, JSON.stringify(ownTags(j, byKey))]));
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

class Matcher {
  /** new key -> old key */
  readonly toBefore = new Map<string, string>();
  readonly taken = new Set<string>();
  private readonly order: Map<string, number>;
  private readonly tagsA: Map<string, string>;
  private readonly tagsB: Map<string, string>;

  constructor(
    private readonly before: readonly ManifestJob[],
    private readonly after: readonly ManifestJob[],
    private readonly similarity: Similarity,
  ) {
    this.order = new Map(before.map((j, i) => [j.key, i]));
    this.tagsA = tagsKeys(before);
    this.tagsB = tagsKeys(after);
  }

  pair(a: ManifestJob, b: ManifestJob): void {
    this.toBefore.set(b.key, a.key);
    this.taken.add(a.key);
  }

  /** The best of the candidates by `score` (then similarity, then old-plan order). */
  best(b: ManifestJob, candidates: Iterable<ManifestJob>, score: (a: ManifestJob) => number = () => 0): ManifestJob | undefined {
    let best: ManifestJob | undefined;
    let bestKey: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    for (const a of candidates) {
      if (this.taken.has(a.key)) continue;
      const key: [number, number, number] = [score(a), this.similarity(a, b), -this.order.get(a.key)!];
      if (key[0] > bestKey[0] || (key[0] === bestKey[0] && (key[1] > bestKey[1] || (key[1] === bestKey[1] && key[2] > bestKey[2])))) {
        best = a;
        bestKey = key;
      }
    }
    return best;
  }

  anchors(): void {
    const byKey = new Map(this.before.map((j) => [j.key, j]));
    for (const b of this.after) {
      const a = byKey.get(b.key);
      if (a && a.task === b.task) this.pair(a, b);
    }
  }

  /** Step 2; returns how many jobs it matched. */
  strict(): number {
    const sig = (task: string, tags: string, parents: readonly string[]) => `${task}\0${tags}\0${[...parents].sort().join("\0")}`;
    const index = new Map<string, ManifestJob[]>();
    for (const a of this.before) {
      if (this.taken.has(a.key)) continue;
      push(index, sig(a.task, this.tagsA.get(a.key)!, a.deps), a);
    }
    let n = 0;
    for (const b of this.after) {
      if (this.toBefore.has(b.key)) continue;
      const parents = b.deps.map((d) => this.toBefore.get(d));
      if (parents.some((p) => p === undefined)) continue;
      const a = this.best(b, index.get(sig(b.task, this.tagsB.get(b.key)!, parents as string[])) ?? []);
      if (a) {
        this.pair(a, b);
        n++;
      }
    }
    return n;
  }

  /** Step 3; returns how many jobs it matched. */
  relaxed(): number {
    const children = new Map<string, ManifestJob[]>();
    for (const a of this.before) for (const d of a.deps) if (!this.taken.has(a.key)) push(children, d, a);
    let n = 0;
    for (const b of this.after) {
      if (this.toBefore.has(b.key)) continue;
      const parents = new Set(b.deps.flatMap((d) => this.toBefore.get(d) ?? []));
      const tags = this.tagsB.get(b.key);
      const candidates = [...parents].flatMap((p) => children.get(p) ?? []).filter((a) => a.task === b.task && this.tagsA.get(a.key) === tags);
      const a = this.best(b, candidates, (c) => c.deps.filter((d) => parents.has(d)).length);
      if (a) {
        this.pair(a, b);
        n++;
      }
    }
    return n;
  }
}

/** new key -> old key, for every new job that has a counterpart in the old plan. */
export function matchJobs(before: readonly ManifestJob[], after: readonly ManifestJob[], similarity: Similarity): Map<string, string> {
  const m = new Matcher(before, after, similarity);
  m.anchors();
  for (;;) {
    while (m.strict() > 0);
    if (m.relaxed() === 0) break;
  }
  return m.toBefore;
}
