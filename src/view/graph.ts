/**
 * view/graph: a plan's DAG as a small, display-ready graph, the common input of the Graphviz
 * (`toDot`), Mermaid (`toMermaid`) and SVG (`toSvg`) renderers.
 *
 * Input is this module's own `GraphJob` (key, task, hash, deps, tags, state, detail), not the
 * manifest types, so any stage (dry-run, status, a report) can draw what it knows. Output is
 * byte-stable: jobs are sorted by key first, so the same jobs in any order give the same bytes,
 * and nothing depends on time, locale or the machine.
 *
 * Nodes show the task name, the first 8 characters of the hash with the state, and the tags
 * (all of them sorted by name, or the `tags` option's names in its order; at most `maxTags`).
 * A node is coloured by its state: one of `STATES` (matched case-insensitively, `_` or `-`
 * standing for a space), anything else is `unknown` and grey. A legend lists the states shown.
 *
 * Collapse rule. Large plans are drawn with one node per group of jobs:
 *   - two jobs are in the same group when they run the same task and the groups of their
 *     dependencies are the same set (jobs without dependencies: the same task suffices);
 *   - groups are formed in dependency order, so parents are grouped before their children and a
 *     5,000 × `Train` → 5,000 × `Evaluate` grid (each Evaluate on its own Train) becomes two
 *     nodes, `Train ×5000` → `Evaluate ×5000`, each with its count per state;
 *   - an edge joins two groups when a job of one depends on a job of the other;
 *   - a group of one job is drawn as that job; jobs on or below a dependency cycle (never in a
 *     valid plan) are not grouped.
 * Collapsing is on when `collapse` is `"always"` (or `true`), off for `"never"` (or `false`), and,
 * for `"auto"` (the default), on when the plan has more jobs than `threshold` (default 50).
 * A group is coloured by the most pressing state among its jobs (failed first, done last; see
 * `STATE_PRIORITY`), its label and `counts` give every state's count.
 *
 * Dependencies on keys that are not among the jobs are left out (the graph shows what it is
 * given). Two jobs with the same key are an error.
 */

/** One job as the graph sees it. */
export interface GraphJob {
  /** Unique job key (`task-id/hash` in a manifest). */
  key: string;
  /** Task id (`mnist_xp.learn.Learn`). */
  task: string;
  /** Job identifier (hex); the node shows its first 8 characters. */
  hash: string;
  /** Keys of the jobs this one depends on. */
  deps: readonly string[];
  tags: Readonly<Record<string, string | number | boolean>>;
  /** One of `STATES`; anything else is shown as `unknown`. */
  state: string;
  /** A short extra line (exit code, scheduler id, …), shown on the node and in its tooltip. */
  detail?: string;
}

/** The job states the graph knows, in legend order. */
export const STATES = ["done", "failed", "running", "queued", "blocked", "submitted", "not submitted", "todo", "elsewhere"] as const;
export type KnownState = (typeof STATES)[number];
/** A state as drawn: a known one, or `unknown` (grey). */
export type GraphState = KnownState | "unknown";

/** Which state colours a group of jobs with mixed states: the first present in this list. */
export const STATE_PRIORITY: readonly GraphState[] = ["failed", "running", "submitted", "queued", "blocked", "todo", "not submitted", "unknown", "elsewhere", "done"];

/** Colours per state: fill, border, and text (all readable on white and in print). */
export const STATE_STYLES: Readonly<Record<GraphState, { fill: string; stroke: string; text: string }>> = {
  done: { fill: "#c8e6c9", stroke: "#2e7d32", text: "#1b3d1f" },
  failed: { fill: "#ffcdd2", stroke: "#c62828", text: "#5f1010" },
  running: { fill: "#bbdefb", stroke: "#1565c0", text: "#0d2f57" },
  queued: { fill: "#fff3c4", stroke: "#b58a00", text: "#4a3800" },
  blocked: { fill: "#ffe0b2", stroke: "#e65100", text: "#5a2000" },
  submitted: { fill: "#e1d5f0", stroke: "#6a1b9a", text: "#35104d" },
  "not submitted": { fill: "#f5f5f5", stroke: "#757575", text: "#303030" },
  todo: { fill: "#ffffff", stroke: "#424242", text: "#212121" },
  elsewhere: { fill: "#b2dfdb", stroke: "#00695c", text: "#00302a" },
  unknown: { fill: "#e0e0e0", stroke: "#9e9e9e", text: "#424242" },
};

const LEGEND_ORDER: readonly GraphState[] = [...STATES, "unknown"];

export type CollapseMode = "auto" | "always" | "never";

export interface GraphOptions {
  /** `"auto"` (default): collapse above `threshold` jobs; `true`/`"always"`; `false`/`"never"`. */
  collapse?: CollapseMode | boolean;
  /** Jobs above which `"auto"` collapses (default 50). */
  threshold?: number;
  /** Layout direction: dependencies left to right (default) or top to bottom. */
  direction?: "LR" | "TB";
  /** Tag names to show, in this order (default: all, sorted by name). */
  tags?: readonly string[];
  /** At most this many tags on a node (default 3); the rest are counted. */
  maxTags?: number;
  /** Draw a legend of the states shown (default true). */
  legend?: boolean;
  /** A title (Graphviz and SVG; Mermaid has none). */
  title?: string;
}

/** One drawn node: a job, or a group of jobs of one task. */
export interface GraphNode {
  /** `n0`, `n1`, … in dependency order (identifiers safe in every format). */
  id: string;
  task: string;
  /** Keys of the jobs drawn by this node, sorted (one for a job node). */
  keys: string[];
  /** The job's hash, for a single-job node. */
  hash?: string;
  /** The colouring state (for a group, see `STATE_PRIORITY`). */
  state: GraphState;
  /** Jobs per state, in legend order, only states present. */
  counts: Array<[GraphState, number]>;
  /** Label lines, plain text (escaped by each renderer). */
  lines: string[];
  /** Longer plain text for tooltips. */
  tooltip: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

/** The graph every renderer draws. */
export interface GraphView {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Whether jobs were grouped. */
  collapsed: boolean;
  /** Number of jobs drawn. */
  jobCount: number;
  /** States present, in legend order (empty when the legend is off). */
  legend: GraphState[];
  direction: "LR" | "TB";
  title?: string;
}

const MAX_VALUE = 24;
const MAX_LINE = 44;
const MAX_TOOLTIP = 2000;

/** Code-unit order, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The drawn state for a state word. */
export function normalizeState(state: string): GraphState {
  const s = String(state).trim().toLowerCase().replace(/[_-]+/g, " ").replace(/\s+/g, " ");
  return (STATES as readonly string[]).includes(s) ? (s as KnownState) : "unknown";
}

/** One line of a label: a newline inside a value is shown as `↵`, then cut at n characters. */
function truncate(s: string, n: number): string {
  const t = s.replace(/\r\n?|\n/g, "↵");
  const chars = [...t];
  return chars.length <= n ? t : chars.slice(0, n - 1).join("") + "…";
}

function tagText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Words packed into lines of at most MAX_LINE characters. */
function wrap(words: string[]): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur === "") cur = w;
    else if ([...cur].length + 2 + [...w].length <= MAX_LINE) cur += ", " + w;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur !== "") lines.push(cur);
  return lines;
}

/** Tooltips keep their lines, cut at MAX_TOOLTIP characters. */
function capTooltip(s: string): string {
  const chars = [...s];
  return chars.length <= MAX_TOOLTIP ? s : chars.slice(0, MAX_TOOLTIP - 1).join("") + "…";
}

function countsText(counts: Array<[GraphState, number]>): string {
  return counts.map(([s, n]) => `${s} ${n}`).join(", ");
}

function collapseWanted(mode: GraphOptions["collapse"], jobs: number, threshold: number): boolean {
  if (mode === true || mode === "always") return true;
  if (mode === false || mode === "never") return false;
  return jobs > threshold;
}

/** Builds the display graph (sorting, grouping and labels); the renderers only draw it. */
export function buildGraph(input: readonly GraphJob[], options: GraphOptions = {}): GraphView {
  const jobs = [...input].sort((a, b) => compareText(a.key, b.key));
  const deps = resolveDeps(jobs, indexJobs(jobs));
  const states = jobs.map((j) => normalizeState(j.state));
  const collapsed = collapseWanted(options.collapse, jobs.length, options.threshold ?? 50);
  const { order, acyclic } = dependencyOrder(deps);
  const { groupOf, members } = groupJobs(jobs, deps, order, acyclic, collapsed);
  const ctx: LabelContext = { jobs, states, options, display: taskDisplay(jobs), maxTags: Math.max(0, options.maxTags ?? 3) };
  const nodes = members.map((m, g) => buildNode(ctx, m, g));
  const edges = groupEdges(deps, groupOf, members.length);

  const present = new Set(states);
  return {
    nodes,
    edges: edges.map(([f, t]) => ({ from: `n${f}`, to: `n${t}` })),
    collapsed,
    jobCount: jobs.length,
    legend: options.legend === false ? [] : LEGEND_ORDER.filter((s) => present.has(s)),
    direction: options.direction ?? "LR",
    ...(options.title !== undefined ? { title: options.title } : {}),
  };
}

/** Each job's position in the sorted jobs; two jobs with one key are an error. */
function indexJobs(jobs: readonly GraphJob[]): Map<string, number> {
  const index = new Map<string, number>();
  jobs.forEach((j, i) => {
    if (index.has(j.key)) throw new Error(`graph: two jobs have the key ${JSON.stringify(j.key)}`);
    index.set(j.key, i);
  });
  return index;
}

/** Each job's dependencies as sorted, distinct positions; keys not among the jobs are left out. */
function resolveDeps(jobs: readonly GraphJob[], index: ReadonlyMap<string, number>): number[][] {
  return jobs.map((j) => {
    const d = new Set<number>();
    for (const k of j.deps) {
      const i = index.get(k);
      if (i !== undefined) d.add(i);
    }
    return [...d].sort((a, b) => a - b);
  });
}

/**
 * Dependency order (Kahn, ready jobs in key order); jobs left over are on or below a cycle.
 * `order` holds every job, the first `acyclic` of them are in dependency order.
 */
function dependencyOrder(deps: readonly (readonly number[])[]): { order: number[]; acyclic: number } {
  const n = deps.length;
  const children: number[][] = deps.map(() => []);
  const indegree = deps.map((d) => d.length);
  deps.forEach((d, i) => d.forEach((p) => children[p]!.push(i)));
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let h = 0; h < order.length; h++) {
    for (const c of children[order[h]!]!) if (--indegree[c]! === 0) order.push(c);
  }
  const inOrder = new Uint8Array(n);
  for (const i of order) inOrder[i] = 1;
  const acyclic = order.length;
  for (let i = 0; i < n; i++) if (!inOrder[i]) order.push(i);
  return { order, acyclic };
}

/** Jobs to groups (see the collapse rule); without collapsing, each job is its own group. */
function groupJobs(
  jobs: readonly GraphJob[],
  deps: readonly (readonly number[])[],
  order: readonly number[],
  acyclic: number,
  collapsed: boolean,
): { groupOf: Int32Array; members: number[][] } {
  const groupOf = new Int32Array(jobs.length).fill(-1);
  const members: number[][] = [];
  const bySignature = new Map<string, number>();
  order.forEach((i, pos) => {
    let sig: string | undefined;
    if (collapsed && pos < acyclic) {
      const parents = [...new Set(deps[i]!.map((p) => groupOf[p]!))].sort((a, b) => a - b);
      sig = `${jobs[i]!.task}\u0000${parents.join(",")}`;
    }
    let g = sig === undefined ? undefined : bySignature.get(sig);
    if (g === undefined) {
      g = members.length;
      members.push([]);
      if (sig !== undefined) bySignature.set(sig, g);
    }
    members[g]!.push(i);
    groupOf[i] = g;
  });
  return { groupOf, members };
}

/** Task names: the last dotted component, unless two tasks would share it. */
function taskDisplay(jobs: readonly GraphJob[]): (task: string) => string {
  const tasks = [...new Set(jobs.map((j) => j.task))].sort(compareText);
  const shortCount = new Map<string, number>();
  const short = (t: string) => t.split(".").pop() || t;
  for (const t of tasks) shortCount.set(short(t), (shortCount.get(short(t)) ?? 0) + 1);
  return (t: string) => (shortCount.get(short(t))! > 1 ? t : short(t));
}

/** What the node builders share. */
interface LabelContext {
  jobs: readonly GraphJob[];
  /** Each job's drawn state. */
  states: readonly GraphState[];
  options: GraphOptions;
  /** A task's name on a node. */
  display: (task: string) => string;
  maxTags: number;
}

/** The node of group `g`, whose jobs are `m` (sorted here, in place). */
function buildNode(ctx: LabelContext, m: number[], g: number): GraphNode {
  m.sort((a, b) => a - b);
  const countMap = new Map<GraphState, number>();
  for (const i of m) countMap.set(ctx.states[i]!, (countMap.get(ctx.states[i]!) ?? 0) + 1);
  const counts = LEGEND_ORDER.filter((s) => countMap.has(s)).map((s) => [s, countMap.get(s)!] as [GraphState, number]);
  const state = STATE_PRIORITY.find((s) => countMap.has(s))!;
  const base = { id: `n${g}`, task: ctx.jobs[m[0]!]!.task, keys: m.map((i) => ctx.jobs[i]!.key), state, counts };
  return m.length === 1 ? jobNode(ctx, ctx.jobs[m[0]!]!, base) : groupNode(ctx, m, base);
}

type NodeBase = Pick<GraphNode, "id" | "task" | "keys" | "state" | "counts">;

/** A single job's node: its tags (see `tagNames`), hash and state, and detail. */
function jobNode(ctx: LabelContext, first: GraphJob, base: NodeBase): GraphNode {
  const { state } = base;
  const names = tagNames(ctx.options, first.tags);
  const shown = names.slice(0, ctx.maxTags).map((k) => `${truncate(k, MAX_VALUE)}=${truncate(tagText(first.tags[k]), MAX_VALUE)}`);
  if (names.length > shown.length) shown.push(`+${names.length - shown.length} more`);
  const lines = [truncate(ctx.display(first.task), MAX_LINE), `${first.hash.slice(0, 8)} · ${state === "unknown" ? truncate(String(first.state), MAX_VALUE) : state}`, ...wrap(shown)];
  if (first.detail) lines.push(truncate(first.detail.split(/\r?\n/)[0]!, MAX_LINE));
  const allTags = Object.keys(first.tags).sort(compareText).map((k) => `${k}=${tagText(first.tags[k])}`);
  const tooltip = [first.task, first.key, `state: ${String(first.state)}`, ...allTags, ...(first.detail ? [first.detail] : [])].join("\n");
  const { id, task, keys, counts } = base;
  return { id, task, keys, hash: first.hash, state, counts, lines, tooltip: capTooltip(tooltip) };
}

/** The tag names shown on a job's node: the `tags` option's ones it has, in order, or all sorted. */
function tagNames(options: GraphOptions, tags: Readonly<Record<string, unknown>>): string[] {
  return options.tags ? options.tags.filter((k) => Object.hasOwn(tags, k)) : Object.keys(tags).sort(compareText);
}

/** A group's node: its size, counts per state and tags (see `groupTagParts`). */
function groupNode(ctx: LabelContext, m: readonly number[], base: NodeBase): GraphNode {
  const { keys, counts } = base;
  const first = ctx.jobs[m[0]!]!;
  const tagParts = groupTagParts(ctx, m);
  const shown = tagParts.slice(0, ctx.maxTags);
  if (tagParts.length > shown.length) shown.push(`+${tagParts.length - shown.length} more`);
  const lines = [truncate(`${ctx.display(first.task)} ×${m.length}`, MAX_LINE), ...wrap(counts.map(([s, c]) => `${s} ${c}`)), ...wrap(shown)];
  const listed = keys.slice(0, 10);
  const tooltip = [`${first.task} ×${m.length}`, countsText(counts), ...tagParts, ...listed, ...(keys.length > listed.length ? [`… and ${keys.length - listed.length} more`] : [])].join("\n");
  const { id, task, state } = base;
  return { id, task, keys, state, counts, lines, tooltip: capTooltip(tooltip) };
}

/** A group's tags: those equal on all its jobs are shown with their value, the others counted. */
function groupTagParts(ctx: LabelContext, m: readonly number[]): string[] {
  const { jobs, options } = ctx;
  const names = options.tags ? [...options.tags] : [...new Set(m.flatMap((i) => Object.keys(jobs[i]!.tags)))].sort(compareText);
  const tagParts: string[] = [];
  for (const k of names) {
    const values = new Set<string>();
    let missing = false;
    for (const i of m) {
      const t = jobs[i]!.tags;
      if (Object.hasOwn(t, k)) values.add(tagText(t[k]));
      else missing = true;
    }
    if (values.size === 0) continue;
    tagParts.push(values.size === 1 && !missing ? `${truncate(k, MAX_VALUE)}=${truncate([...values][0]!, MAX_VALUE)}` : `${truncate(k, MAX_VALUE)}: ${values.size} values`);
  }
  return tagParts;
}

/** Edges between groups, one per pair of groups joined by a dependency, sorted. */
function groupEdges(deps: readonly (readonly number[])[], groupOf: Int32Array, groupCount: number): Array<[number, number]> {
  const edgeSet = new Set<number>();
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < deps.length; i++) {
    const to = groupOf[i]!;
    for (const p of deps[i]!) {
      const from = groupOf[p]!;
      const code = from * groupCount + to;
      if (!edgeSet.has(code)) {
        edgeSet.add(code);
        edges.push([from, to]);
      }
    }
  }
  return edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** A view from jobs (built with the options) or an already built view (options ignored). */
export function asView(input: readonly GraphJob[] | GraphView, options?: GraphOptions): GraphView {
  return isView(input) ? input : buildGraph(input, options);
}

function isView(input: readonly GraphJob[] | GraphView): input is GraphView {
  return !Array.isArray(input);
}
