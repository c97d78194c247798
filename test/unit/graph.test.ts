/**
 * view/graph: a plan drawn as Graphviz DOT, Mermaid and SVG. The DOT is rendered by the real
 * Graphviz (`dot -Tsvg`; skipped loudly when it is not installed: apt-get install graphviz), the
 * SVG (ours and Graphviz's) is parsed by a strict XML parser, the Mermaid text is checked line by
 * line against the only statement shapes it may contain and parsed by Mermaid's own flowchart
 * parser (see `mermaidDiagram`).
 */
import { spawnSync } from "node:child_process";
import { DOMParser, type Element as XmlElement } from "@xmldom/xmldom";
import DOMPurify from "dompurify";
import { describe, expect, it } from "vitest";
import { STATES, buildGraph, toDot, toMermaid, toSvg, type GraphJob } from "../../src/view/index.ts";

// ---------------------------------------------------------------------------------------------
// Plans

function job(task: string, hash: string, deps: GraphJob[] = [], tags: GraphJob["tags"] = {}, state = "done", detail?: string): GraphJob {
  return { key: `${task.toLowerCase()}/${hash}`, task, hash, deps: deps.map((d) => d.key), tags, state, ...(detail !== undefined ? { detail } : {}) };
}

const hex = (i: number, salt: string) => (salt + i.toString(16).padStart(8, "0")).padEnd(64, "0");

/** The README's grid: 3 learning rates × 2 seeds of Train, one Evaluate each, one Report. */
function gridPlan(): GraphJob[] {
  const states = ["done", "failed", "running", "queued", "todo", "blocked"];
  const trains: GraphJob[] = [];
  const evals: GraphJob[] = [];
  let i = 0;
  for (const lr of [0.1, 0.01, 0.001])
    for (const seed of [1, 2]) {
      const t = job("grid.Train", hex(i, "a"), [], { lr, seed }, states[i % states.length]!);
      trains.push(t);
      evals.push(job("grid.Evaluate", hex(i, "b"), [t], {}, i === 1 ? "blocked" : "todo"));
      i++;
    }
  return [...trains, ...evals, job("grid.Report", hex(0, "c"), evals, {}, "not submitted")];
}

/** 5,000 Train → 5,000 Evaluate (each on its own Train): 10,000 jobs. */
function bigPlan(): GraphJob[] {
  const jobs: GraphJob[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = job("big.Train", hex(i, "a"), [], { lr: [0.1, 0.01, 0.001, 0.0001, 0.00001][i % 5]!, seed: i % 1000, arch: "resnet" }, i % 25 === 0 ? "failed" : "done");
    jobs.push(t);
    jobs.push(job("big.Evaluate", hex(i, "b"), [t], {}, i % 25 === 0 ? "blocked" : i % 2 ? "done" : "queued"));
  }
  return jobs;
}

function shuffled<T>(xs: readonly T[], seed = 7): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Checkers

/**
 * A strict XML parse: any warning or error fails the test, except xmldom's hint that U+FFFD
 * may mean an encoding problem (the renderers write U+FFFD for characters XML cannot hold).
 */
function parseXml(text: string) {
  const problems: string[] = [];
  const onError = (level: string, msg: string) => {
    if (!(level === "warning" && /replacement character/.test(msg))) problems.push(`${level}: ${msg}`);
  };
  const doc = new DOMParser({ onError }).parseFromString(text, "image/svg+xml");
  expect(problems).toEqual([]);
  return doc;
}

function elements(doc: ReturnType<typeof parseXml>, tag: string): XmlElement[] {
  return Array.from(doc.getElementsByTagName(tag)) as XmlElement[];
}

function hasClass(e: XmlElement, c: string): boolean {
  return (e.getAttribute("class") ?? "").split(/\s+/).includes(c);
}

const dotInstalled = spawnSync("dot", ["-V"]).status === 0;
// On CI (CI=true) a missing Graphviz fails those tests; on a developer machine they skip, loudly.
const onCI = !!process.env.CI && !["0", "false"].includes(process.env.CI);
const skipDot = !dotInstalled && !onCI;
if (skipDot) process.stderr.write("\n*** Graphviz tests SKIPPED: dot is not installed (apt-get install graphviz) ***\n");

/** `dot -Tsvg`: exit 0 and nothing on stderr, else the test fails with what dot said. */
function renderDot(text: string): string {
  const r = spawnSync("dot", ["-Tsvg"], { input: text, encoding: "utf8", maxBuffer: 64 << 20 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  return r.stdout;
}

/** Text of every `<text>` element, tspans joined by newlines. */
function texts(doc: ReturnType<typeof parseXml>): string[] {
  return elements(doc, "text").map((t) => {
    const spans = Array.from(t.getElementsByTagName("tspan"));
    return spans.length ? spans.map((s) => s.textContent).join("\n") : (t.textContent ?? "");
  });
}

const LABEL_TEXT = /^(?:[A-Za-z0-9 .,:=_+\-/*×·…]|[\p{L}\p{N}]|#\d+;|<br\/>)*$/u;

/**
 * Mermaid, strictly: every line is one of the statements we emit, labels hold only safe
 * characters and entities, each node is declared once, edges and classes name declared nodes.
 */
function checkMermaid(text: string): { nodes: Map<string, string>; edges: Array<[string, string]>; classes: Map<string, string> } {
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  expect(lines[0]).toMatch(/^flowchart (LR|TB)$/);
  const nodes = new Map<string, string>();
  const edges: Array<[string, string]> = [];
  const classes = new Map<string, string>();
  const defined = new Set<string>();
  let inLegend = false;
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ {2}(n\d+)(?:\["([^"]*)"\]|\[\["([^"]*)"\]\])$/)) && !inLegend) {
      const label = m[2] ?? m[3]!;
      expect(label).toMatch(LABEL_TEXT);
      expect(nodes.has(m[1]!)).toBe(false);
      nodes.set(m[1]!, label);
    } else if ((m = line.match(/^ {2}(n\d+) --> (n\d+)$/)) && !inLegend) {
      edges.push([m[1]!, m[2]!]);
    } else if (line === '  subgraph legend["Legend"]' && !inLegend) {
      inLegend = true;
    } else if (inLegend && line === "    direction LR") {
      // the legend's own direction
    } else if (inLegend && (m = line.match(/^ {4}(legend\d+)\["([a-z ]+)"\]$/))) {
      nodes.set(m[1]!, m[2]!);
    } else if (inLegend && line === "  end") {
      inLegend = false;
    } else if ((m = line.match(/^ {2}classDef (st_[a-z_]+) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}$/))) {
      defined.add(m[1]!);
    } else if ((m = line.match(/^ {2}class ((?:n|legend)\d+(?:,(?:n|legend)\d+)*) (st_[a-z_]+)$/))) {
      expect(defined.has(m[2]!)).toBe(true);
      for (const id of m[1]!.split(",")) {
        expect(classes.has(id)).toBe(false);
        classes.set(id, m[2]!);
      }
    } else {
      throw new Error(`unexpected Mermaid line: ${JSON.stringify(line)}`);
    }
  }
  expect(inLegend).toBe(false);
  for (const [a, b] of edges) expect(nodes.has(a) && nodes.has(b)).toBe(true);
  for (const id of nodes.keys()) expect(classes.has(id)).toBe(true);
  return { nodes, edges, classes };
}

/** Our SVG: strict XML, self-contained, one `<g>` per node with its data attributes. */
function checkSvg(text: string) {
  const doc = parseXml(text);
  const root = doc.documentElement!;
  expect(root.tagName).toBe("svg");
  expect(root.getAttribute("xmlns")).toBe("http://www.w3.org/2000/svg");
  // Nothing to run or fetch: no script, no foreign object, no link, no external reference.
  for (const tag of ["script", "foreignObject", "a", "image", "use", "style", "iframe"]) expect(elements(doc, tag)).toEqual([]);
  expect(text).not.toMatch(/href|@import|url\((?!#)|javascript:/i);
  expect(text.match(/https?:\/\/[^"]*/g)).toEqual(["http://www.w3.org/2000/svg"]);
  const nodes = elements(doc, "g").filter((g) => hasClass(g, "xpm-node"));
  const edges = elements(doc, "path").filter((p) => hasClass(p, "xpm-edge"));
  for (const e of edges) expect(e.getAttribute("d")).toMatch(/^M-?[\d.]+,-?[\d.]+( L-?[\d.]+,-?[\d.]+)+$/);
  return { doc, nodes, edges };
}

/**
 * Mermaid's own parser for a flowchart (the grammar inside the `mermaid` package: @mermaid-js/parser
 * has no flowchart, and mermaid 12 needs Node 22), returning the nodes and edges it read.
 * While it parses, Mermaid passes every label through DOMPurify, which without a browser DOM has
 * no `sanitize` or `addHook`: they are replaced by stand-ins that return the text unchanged
 * (sanitising is not parsing; what we check is that the grammar accepts the text and reads the
 * right graph).
 */
async function mermaidDiagram(text: string): Promise<{ vertices: Map<string, { text: string; classes: string[] }>; edges: Array<[string, string]> }> {
  const purify = DOMPurify as unknown as Record<string, unknown>;
  if (typeof purify.sanitize !== "function") {
    purify.sanitize = (s: unknown) => String(s);
    purify.addHook = () => {};
  }
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false, maxTextSize: 1e7, maxEdges: 1e6 });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { text: string; classes: string[] }>;
    getEdges(): Array<{ start: string; end: string }>;
  };
  return { vertices: db.getVertices(), edges: db.getEdges().map((e) => [e.start, e.end]) };
}

// ---------------------------------------------------------------------------------------------

describe("graph model", () => {
  it("draws one node per job and one edge per dependency for a small plan", () => {
    const view = buildGraph(gridPlan());
    expect(view.collapsed).toBe(false);
    expect(view.nodes).toHaveLength(13);
    expect(view.edges).toHaveLength(12);
    const train = view.nodes.find((n) => n.hash === hex(0, "a"))!;
    expect(train.lines).toEqual(["Train", `${hex(0, "a").slice(0, 8)} · done`, "lr=0.1, seed=1"]);
    expect(view.legend).toEqual(["done", "failed", "running", "queued", "blocked", "not submitted", "todo"]);
  });

  it("is byte-stable: the same jobs in any order give the same bytes", () => {
    const a = gridPlan();
    const b = shuffled(a);
    expect(toDot(b)).toBe(toDot(a));
    expect(toMermaid(b)).toBe(toMermaid(a));
    expect(toSvg(b)).toBe(toSvg(a));
    expect(toSvg(a, { collapse: true })).toBe(toSvg(b, { collapse: true }));
  });

  it("reads state words loosely and shows anything else as unknown", () => {
    const jobs = [job("x.A", "1", [], {}, "Not_Submitted"), job("x.A", "2", [], {}, "ELSEWHERE"), job("x.A", "3", [], {}, "exploded")];
    const view = buildGraph(jobs);
    expect(view.nodes.map((n) => n.state)).toEqual(["not submitted", "elsewhere", "unknown"]);
    expect(view.nodes[2]!.lines[1]).toBe("3 · exploded");
    expect(view.legend).toEqual(["not submitted", "elsewhere", "unknown"]);
    expect(STATES).toHaveLength(9);
  });

  it("drops dependencies on jobs it was not given, and refuses two jobs with one key", () => {
    const a = job("x.A", "1");
    const b = { ...job("x.B", "2"), deps: [a.key, "x.z/absent"] };
    expect(buildGraph([a, b]).edges).toEqual([{ from: "n0", to: "n1" }]);
    expect(() => buildGraph([a, a])).toThrow(/two jobs have the key/);
  });

  it("shows the tags asked for, at most maxTags of them, and the detail", () => {
    const a = job("x.A", "12345678abcd", [], { z: 1, a: true, m: "s", q: 2 }, "failed", "exit 3\nsecond line");
    expect(buildGraph([a]).nodes[0]!.lines).toEqual(["A", "12345678 · failed", "a=true, m=s, q=2, +1 more", "exit 3"]);
    expect(buildGraph([a], { tags: ["z", "nope", "a"] }).nodes[0]!.lines).toEqual(["A", "12345678 · failed", "z=1, a=true", "exit 3"]);
    expect(buildGraph([a]).nodes[0]!.tooltip).toBe("x.A\nx.a/12345678abcd\nstate: failed\na=true\nm=s\nq=2\nz=1\nexit 3\nsecond line");
  });

  it("uses the full task id when two tasks share a last component", () => {
    const view = buildGraph([job("a.Train", "1"), job("b.Train", "2"), job("b.Eval", "3")]);
    expect(view.nodes.map((n) => n.lines[0])).toEqual(["a.Train", "Eval", "b.Train"]);
  });
});

describe("collapse", () => {
  it("collapses above the threshold, not at it, and on request", () => {
    const plan = (n: number) => Array.from({ length: n }, (_, i) => job("x.Train", hex(i, "a")));
    expect(buildGraph(plan(50)).nodes).toHaveLength(50);
    expect(buildGraph(plan(51)).nodes).toHaveLength(1);
    expect(buildGraph(plan(51), { collapse: "never" }).nodes).toHaveLength(51);
    expect(buildGraph(plan(10), { threshold: 5 }).nodes).toHaveLength(1);
    expect(buildGraph(plan(3), { collapse: true }).collapsed).toBe(true);
    expect(buildGraph(plan(3), { collapse: "always" }).nodes).toHaveLength(1);
  });

  it("groups same-task jobs whose collapsed parents are the same set", () => {
    const view = buildGraph(gridPlan(), { collapse: true });
    expect(view.nodes.map((n) => [n.lines[0], n.keys.length])).toEqual([
      ["Train ×6", 6],
      ["Evaluate ×6", 6],
      ["Report", 1],
    ]);
    expect(view.edges).toEqual([
      { from: "n0", to: "n1" },
      { from: "n1", to: "n2" },
    ]);
    const train = view.nodes[0]!;
    expect(train.counts).toEqual([["done", 1], ["failed", 1], ["running", 1], ["queued", 1], ["blocked", 1], ["todo", 1]]);
    expect(train.state).toBe("failed");
    expect(train.lines.slice(1)).toEqual(["done 1, failed 1, running 1, queued 1", "blocked 1, todo 1", "lr: 3 values, seed: 2 values"]);
  });

  it("keeps apart same-task jobs whose parents are in different groups", () => {
    const p1 = job("x.Prep", "p1");
    const p2 = job("x.Prep", "p2");
    const t = [job("x.Train", "t1", [p1]), job("x.Train", "t2", [p2]), job("x.Train", "t3", [p1, p2])];
    const other = job("x.Other", "o1");
    const e = [job("x.Eval", "e1", [t[0]!]), job("x.Eval", "e2", [t[1]!]), job("x.Eval", "e3", [p1]), job("x.Eval", "e4", [t[2]!, other])];
    const view = buildGraph([p1, p2, ...t, other, ...e], { collapse: true });
    const groups = view.nodes.map((n) => n.keys.map((k) => k.split("/")[1]));
    expect([...groups].sort()).toEqual([["e1", "e2"], ["e3"], ["e4"], ["o1"], ["p1", "p2"], ["t1", "t2", "t3"]]);
    const name = (id: string) => view.nodes.find((n) => n.id === id)!.keys.map((k) => k.split("/")[1]).join("+");
    expect(view.edges.map((x) => `${name(x.from)}->${name(x.to)}`).sort()).toEqual(["o1->e4", "p1+p2->e3", "p1+p2->t1+t2+t3", "t1+t2+t3->e1+e2", "t1+t2+t3->e4"]);
  });

  it("draws jobs on a cycle (never in a valid plan) one by one, in every format", () => {
    const a = { ...job("x.A", "1"), deps: ["x.b/2"] };
    const b = { ...job("x.B", "2"), deps: ["x.a/1"] };
    const c = [job("x.C", "3"), job("x.C", "4")];
    const view = buildGraph([a, b, ...c], { collapse: true });
    expect(view.nodes.map((n) => n.keys)).toEqual([["x.c/3", "x.c/4"], ["x.a/1"], ["x.b/2"]]);
    expect(view.edges).toEqual([{ from: "n1", to: "n2" }, { from: "n2", to: "n1" }]);
    expect(checkSvg(toSvg(view)).edges).toHaveLength(2);
    expect(checkMermaid(toMermaid(view)).edges).toHaveLength(2);
    if (!skipDot) renderDot(toDot(view));
  });

  it("turns 10,000 jobs (5,000 Train -> 5,000 Evaluate) into two nodes and one edge", () => {
    const jobs = bigPlan();
    const t0 = Date.now();
    const view = buildGraph(jobs);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(view.collapsed).toBe(true);
    expect(view.jobCount).toBe(10000);
    expect(view.nodes.map((n) => n.lines)).toEqual([
      ["Train ×5000", "done 4800, failed 200", "arch=resnet, lr: 5 values, seed: 1000 values"],
      ["Evaluate ×5000", "done 2400, queued 2400, blocked 200"],
    ]);
    expect(view.edges).toEqual([{ from: "n0", to: "n1" }]);
    expect(view.nodes.map((n) => n.state)).toEqual(["failed", "queued"]);
    // Small outputs: the labels and tooltips stay bounded whatever the number of jobs.
    expect(toDot(view).length).toBeLessThan(4000);
    expect(toMermaid(view).length).toBeLessThan(2000);
    const svg = toSvg(view);
    // The SVG lists every job's key on its group (data-key), and little else.
    expect(svg.length).toBeLessThan(jobs.reduce((s, j) => s + j.key.length + 1, 0) + 10000);
  });
});

describe("Graphviz DOT", () => {
  it.skipIf(skipDot)("renders a small plan with dot -Tsvg: every node, every edge, the legend", () => {
    const text = toDot(gridPlan(), { title: "grid" });
    const doc = parseXml(renderDot(text));
    const gs = elements(doc, "g");
    const nodeTitles = gs.filter((g) => hasClass(g, "node")).map((g) => g.getElementsByTagName("title")[0]!.textContent);
    expect(nodeTitles.sort()).toEqual([...Array.from({ length: 13 }, (_, i) => `n${i}`), "legend"].sort());
    expect(gs.filter((g) => hasClass(g, "edge"))).toHaveLength(12);
    const shown = texts(doc);
    expect(shown).toContain("grid");
    expect(shown).toContain("Legend");
    expect(shown).toContain("not submitted");
  });

  it.skipIf(skipDot)("renders the 10,000-job plan, collapsed, with dot -Tsvg", () => {
    const doc = parseXml(renderDot(toDot(bigPlan())));
    const gs = elements(doc, "g");
    expect(gs.filter((g) => hasClass(g, "node"))).toHaveLength(3); // two groups and the legend
    expect(gs.filter((g) => hasClass(g, "edge"))).toHaveLength(1);
    expect(texts(doc)).toEqual(expect.arrayContaining(["Train ×5000", "done 4800, failed 200", "Evaluate ×5000"]));
  });

  it("declares one statement per node and per edge", () => {
    const text = toDot(gridPlan());
    expect(text.match(/^ {2}n\d+ \[/gm)).toHaveLength(13);
    expect(text.match(/^ {2}n\d+ -> n\d+;$/gm)).toHaveLength(12);
    expect(text.startsWith("digraph plan {\n")).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });
});

describe("Mermaid", () => {
  it("has one node declaration per node, one arrow per edge, a class per node", () => {
    const { nodes, edges, classes } = checkMermaid(toMermaid(gridPlan()));
    expect([...nodes.keys()].filter((k) => k.startsWith("n"))).toHaveLength(13);
    expect(edges).toHaveLength(12);
    expect(classes.get("n0")).toBe("st_done");
    expect(nodes.get("legend5")).toBe("not submitted");
    expect(classes.get("legend5")).toBe("st_not_submitted");
  });

  it("draws groups as subroutine boxes and stays small for 10,000 jobs", () => {
    const text = toMermaid(bigPlan());
    const { nodes, edges } = checkMermaid(text);
    expect([...nodes.keys()].filter((k) => k.startsWith("n"))).toEqual(["n0", "n1"]);
    expect(edges).toEqual([["n0", "n1"]]);
    expect(text).toContain('  n0[["Train ×5000<br/>done 4800, failed 200<br/>arch=resnet, lr: 5 values, seed: 1000 values"]]');
  });

  it("is read by Mermaid's flowchart parser as the same nodes, edges and classes", async () => {
    const view = buildGraph(gridPlan());
    const { vertices, edges } = await mermaidDiagram(toMermaid(view));
    expect([...vertices.keys()].sort()).toEqual([...view.nodes.map((n) => n.id), ...view.legend.map((_, i) => `legend${i}`)].sort());
    expect(edges).toEqual(view.edges.map((e) => [e.from, e.to]));
    for (const n of view.nodes) expect(vertices.get(n.id)!.classes).toEqual([`st_${n.state.replace(" ", "_")}`]);
    const big = await mermaidDiagram(toMermaid(bigPlan()));
    expect(big.edges).toEqual([["n0", "n1"]]);
  });

  it("can leave the legend out", () => {
    const { nodes } = checkMermaid(toMermaid(gridPlan(), { legend: false, direction: "TB" }));
    expect([...nodes.keys()].some((k) => k.startsWith("legend"))).toBe(false);
  });
});

describe("SVG", () => {
  it("is strict, self-contained XML with one node group per node, carrying its data", () => {
    const jobs = gridPlan();
    const { doc, nodes, edges } = checkSvg(toSvg(jobs, { title: "grid" }));
    expect(nodes).toHaveLength(13);
    expect(edges).toHaveLength(12);
    const byKey = new Map(jobs.map((j) => [j.key, j]));
    for (const g of nodes) {
      const j = byKey.get(g.getAttribute("data-key")!)!;
      expect(j).toBeDefined();
      expect(g.getAttribute("data-task")).toBe(j.task);
      expect(g.getAttribute("data-state")).toBe(j.state);
      expect(g.getAttribute("data-hash")).toBe(j.hash);
      expect(g.getAttribute("data-count")).toBe("1");
      expect(g.getElementsByTagName("rect")).toHaveLength(1);
      expect(g.getElementsByTagName("title")[0]!.textContent).toContain(j.key);
    }
    const ids = new Set(nodes.map((g) => g.getAttribute("data-node")));
    for (const e of edges) expect(ids.has(e.getAttribute("data-from")) && ids.has(e.getAttribute("data-to"))).toBe(true);
    const report = nodes.find((g) => g.getAttribute("data-task") === "grid.Report")!;
    const into = edges.filter((e) => e.getAttribute("data-to") === report.getAttribute("data-node"));
    expect(into).toHaveLength(6);
    expect(texts(doc)).toEqual(expect.arrayContaining(["grid", "Train\n" + hex(0, "a").slice(0, 8) + " · done\nlr=0.1, seed=1"]));
    const legend = elements(doc, "g").filter((g) => hasClass(g, "xpm-legend-item")).map((g) => g.getAttribute("data-legend-state"));
    expect(legend).toEqual(["done", "failed", "running", "queued", "blocked", "not submitted", "todo"]);
  });

  it("gives a group all its jobs' keys, its count and its counts per state", () => {
    const jobs = bigPlan();
    const { nodes, edges } = checkSvg(toSvg(jobs));
    expect(nodes).toHaveLength(2);
    expect(edges).toHaveLength(1);
    const train = nodes[0]!;
    expect(train.getAttribute("data-task")).toBe("big.Train");
    expect(train.getAttribute("data-state")).toBe("failed");
    expect(train.getAttribute("data-count")).toBe("5000");
    expect(JSON.parse(train.getAttribute("data-counts")!)).toEqual({ done: 4800, failed: 200 });
    const keys = train.getAttribute("data-key")!.split(" ");
    expect(keys).toHaveLength(5000);
    expect(new Set(keys)).toEqual(new Set(jobs.filter((j) => j.task === "big.Train").map((j) => j.key)));
  });

  it("lays out top to bottom on request", () => {
    const { nodes } = checkSvg(toSvg([job("x.A", "1"), job("x.B", "2", [job("x.A", "1")])], { direction: "TB" }));
    const y = nodes.map((g) => Number(g.getElementsByTagName("rect")[0]!.getAttribute("y")));
    expect(y[1]!).toBeGreaterThan(y[0]!);
    expect(toDot([job("x.A", "1")], { direction: "TB" })).toContain("rankdir=TB");
  });

  it("uses the id prefix for ids and the arrow marker", () => {
    const text = toSvg(gridPlan(), { idPrefix: "p 1\"" });
    checkSvg(text);
    expect(text).toContain('id="p_1_-n0"');
    expect(text).toContain('marker-end="url(#p_1_-arrow)"');
  });

  it("draws an empty plan", () => {
    const { nodes, edges } = checkSvg(toSvg([]));
    expect(nodes).toEqual([]);
    expect(edges).toEqual([]);
    checkMermaid(toMermaid([]));
  });
});

describe("hostile strings stay text", () => {
  const evil = ['"; rm -rf ~; "', "<script>alert(1)</script>", "a]]>b", "#35; %% `x` [y] {z} (w) |v|", "back\\slash \\N \\n", "&amp; &#35; &lt;", "new\nline", "ctl\u0001\u007f", "lone\ud800 surrogate"];
  const hostilePlan = (): GraphJob[] => {
    const tags: Record<string, string> = {};
    evil.forEach((v, i) => (tags[`t${i}`] = v));
    const a = job('evil."; DROP.<b>Task</b>', "0123456789abcdef", [], tags, "failed", '"; rm -rf ~; "');
    const b = job("evil.Next", "fedcba9876543210", [a], { x: "<script>", "k<&>\"'": "v" }, '<img src=x onerror="alert(1)">');
    return [a, b];
  };
  const opts = { maxTags: 20, title: '</title><script>alert("t")</script>' };

  it.skipIf(skipDot)("in DOT: Graphviz renders them as the same text", () => {
    const doc = parseXml(renderDot(toDot(hostilePlan(), opts)));
    expect(elements(doc, "script")).toEqual([]);
    const shown = texts(doc).join("\n");
    expect(shown).toContain('t0="; rm -rf ~; "');
    expect(shown).toContain("t1=<script>alert(1)</scrip…");
    expect(shown).toContain("back\\slash \\N \\n");
    expect(shown).toContain("&amp; &#35; &lt;");
    expect(shown).toContain("t6=new↵line");
    expect(shown).toContain('</title><script>alert("t")</script>');
    expect(shown).toContain("<b>Task</b>");
    // Tooltips (xlink:title in Graphviz's SVG) hold the full task id and values, lines kept.
    const tips = elements(doc, "a").map((a) => a.getAttribute("xlink:title"));
    const jobs = hostilePlan();
    expect(tips[0]).toBe(buildGraph(jobs, opts).nodes[0]!.tooltip.replace(/[\u0001\u007f\ud800]/g, "\ufffd"));
    expect(tips[0]).toContain(`${jobs[0]!.task}\n${jobs[0]!.key}\nstate: failed\nt0="; rm -rf ~; "\nt1=<script>alert(1)</script>`);
  });

  it("in Mermaid: quotes, brackets, # and ; are entities", () => {
    const text = toMermaid(hostilePlan(), opts);
    const { nodes } = checkMermaid(text);
    expect(nodes.size).toBe(2 + 2); // two jobs, failed and unknown in the legend
    expect(text).not.toMatch(/<script|rm -rf ~;|\]\]>|%%/);
    expect(text).toContain("#34;#59; rm -rf #126;#59; #34;");
    expect(text).toContain("#60;script#62;");
  });

  it("in Mermaid: its own parser reads each hostile label as one node", async () => {
    const view = buildGraph(hostilePlan(), opts);
    const { vertices, edges } = await mermaidDiagram(toMermaid(view));
    expect([...vertices.keys()].sort()).toEqual(["legend0", "legend1", "n0", "n1"]);
    expect(edges).toEqual([["n0", "n1"]]);
    // Mermaid keeps entities as placeholders until it draws; decoded, they give back our lines.
    const decode = (t: string) => t.replace(/ﬂ°°(\d+)¶ß/g, (_, d: string) => String.fromCodePoint(Number(d)));
    for (const n of view.nodes) expect(decode(vertices.get(n.id)!.text)).toBe(n.lines.join("<br/>").replace(/[\u0001\u007f\ud800]/g, "\ufffd"));
    await expect(mermaidDiagram('flowchart LR\n  n0["a "b" c"]\n')).rejects.toThrow(/Parse error/);
  });

  it("in SVG: escaped text and attributes, no element from a value", () => {
    const jobs = hostilePlan();
    const text = toSvg(jobs, opts);
    const { doc, nodes } = checkSvg(text);
    expect(elements(doc, "script")).toEqual([]);
    expect(elements(doc, "img")).toEqual([]);
    expect(nodes.map((g) => g.getAttribute("data-task"))).toEqual([jobs[0]!.task, jobs[1]!.task]);
    expect(nodes.map((g) => g.getAttribute("data-key"))).toEqual([jobs[0]!.key, jobs[1]!.key]);
    expect(nodes[1]!.getAttribute("data-state")).toBe("unknown");
    const shown = texts(doc).join("\n");
    expect(shown).toContain('t0="; rm -rf ~; "');
    expect(shown).toContain("t1=<script>alert(1)</scrip…");
    expect(shown).toContain("t2=a]]>b");
    expect(shown).toContain("t7=ctl\ufffd\ufffd");
    expect(shown).toContain("t8=lone\ufffd surrogate");
    expect(doc.getElementsByTagName("title")[0]!.textContent).toBe(opts.title);
  });
});
