/**
 * `experimaestro graph` through the CLI: the example's DAG from its manifest and from its YAML
 * (nothing written), rendered by the real Graphviz `dot`; a 10,000-job plan collapsed and small.
 * Without Graphviz the rendering checks fail on CI and skip loudly elsewhere.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, errorsIn, fixture, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-graph-");
const hasDot = spawnSync("dot", ["-V"]).status === 0;
if (!hasDot && process.env.CI) throw new Error("Graphviz `dot` is missing on CI (apt-get install graphviz)");
if (!hasDot) console.warn("SKIPPED: rendering with Graphviz (`dot` not found: apt-get install graphviz)");

function renderDot(text: string): string {
  const r = spawnSync("dot", ["-Tsvg"], { input: text, encoding: "utf8", maxBuffer: 64 << 20 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("experimaestro graph", () => {
  it("draws a prepared experiment from its manifest, coloured by state", () => {
    const ws = scratch();
    expect(cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
    const dot = cli(["graph", ws, "grid", "--format", "dot"]);
    expect(errorsIn(dot.stderr)).toBe("");
    expect(dot.status).toBe(0);
    expect(dot.stdout).toMatch(/^digraph plan \{/);
    expect(dot.stdout.match(/^\s+n\d+ \[/gm)).toHaveLength(13);
    expect(dot.stdout.match(/->/g)).toHaveLength(12);
    expect(dot.stdout).toContain("todo");
    if (hasDot) expect(renderDot(dot.stdout)).toContain("<svg");
    const svg = cli(["graph", ws, "grid", "--format", "svg", "-o", join(ws, "plan.svg")]);
    expect(svg.status).toBe(0);
    expect(existsSync(join(ws, "plan.svg"))).toBe(true);
    const mermaid = cli(["graph", ws, "grid", "--format", "mermaid"]);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
  });

  it("draws an experiment YAML without writing anything", () => {
    const ws = join(scratch(), "ws");
    const r = cli(["graph", "examples/grid/normal", "--workdir", ws, "--format", "dot"]);
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.stdout.match(/^\s+n\d+ \[/gm)).toHaveLength(13);
    expect(existsSync(ws)).toBe(false);
    if (hasDot) renderDot(r.stdout);
  });

  it("collapses a 10,000-job plan into a few nodes that Graphviz renders", () => {
    const ws = join(scratch(), "ws");
    const r = cli(["graph", fixture("projects/big/normal"), "--workdir", ws, "--format", "dot"]);
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("×5000");
    expect(r.stdout.length).toBeLessThan(20_000);
    if (hasDot) renderDot(r.stdout);
  });

  it("refuses an unknown format", () => {
    const r = cli(["graph", "examples/grid/normal", "--format", "png"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--format png");
  });
});
