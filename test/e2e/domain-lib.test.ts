/**
 * The domain-library pattern, end to end: examples/domain-lib (`@example/xpm-domain`: configs,
 * tasks, `IRConfiguration`, `irExperiment`) and examples/downstream (depends on it through
 * `file:`), both installed with npm in a folder outside this repository, then planned, prepared
 * and run as their user would.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, npmIn, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-domain-");
let dir = "";
let downstream = "";
// No settings of the tester's: an empty settings folder.
let env: NodeJS.ProcessEnv = {};

/** Copies an example, its `file:../..` (this checkout) made absolute: the copy lives elsewhere. */
function copyExample(name: string): string {
  const to = join(dir, name);
  cpSync(join(ROOT, "examples", name), to, { recursive: true, filter: (src) => !/\/(node_modules|workspace)$/.test(src) });
  const pkg = join(to, "package.json");
  writeFileSync(pkg, readFileSync(pkg, "utf8").replaceAll('"file:../.."', JSON.stringify(`file:${ROOT}`)));
  return to;
}

beforeAll(() => {
  dir = scratch();
  env = { XPM_CONFIG_DIR: scratch() };
  const lib = copyExample("domain-lib");
  downstream = copyExample("downstream");
  for (const project of [lib, downstream]) {
    const r = npmIn(project, ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
    expect(r.status, r.output).toBe(0);
  }
}, 120_000);

describe("a downstream project on a domain library", () => {
  it("writes a much shorter experiment than the library it uses", () => {
    const lines = (f: string) => readFileSync(f, "utf8").trimEnd().split("\n").length;
    const library = ["tasks.ts", "experiment.ts"].reduce((n, f) => n + lines(join(ROOT, "examples/domain-lib/src", f)), 0);
    expect(lines(join(ROOT, "examples/downstream/experiment.ts"))).toBeLessThan(15);
    expect(library).toBeGreaterThan(120);
  });

  it("dry-run: the library's indexing, tuning, evaluations and report, writing nothing", () => {
    const r = npmIn(downstream, ["run", "plan"], env);
    expect(r.status, r.output).toBe(0);
    const count = (task: string) => r.output.split("\n").filter((l) => new RegExp(`^todo +xpmdomain\\.${task}/`).test(l)).length;
    expect([count("Index"), count("Tune"), count("Evaluate"), count("Report")]).toEqual([2, 2, 6, 1]);
    expect(existsSync(join(downstream, "workspace"))).toBe(false);
  });

  it("prepare: a tuned evaluation runs the tuning's loader (an init task) first, in its own job", () => {
    const r = npmIn(downstream, ["run", "experiment", "--", "--run-mode", "prepare"], env);
    expect(r.status, r.output).toBe(0);
    const jobs = join(downstream, "workspace/jobs/xpmdomain.evaluate");
    const scripts = readdirSync(jobs).map((h) => readFileSync(join(jobs, h, "evaluate.sh"), "utf8"));
    const tuned = scripts.filter((s) => s.includes("load.mjs"));
    expect(tuned).toHaveLength(2);
    for (const s of tuned) {
      expect(s).toMatch(/xpm_step node \.\.\/\.\.\/\.\.\/assets\/[0-9a-f]+\/scripts\/load\.mjs \.\.\/\.\.\/xpmdomain\.tune\/[0-9a-f]{64}\/parameters\.json parameters\.json \|\| return \$\?\n  xpm_step node .*evaluate\.mjs/);
      expect(s).toContain("xpm_require_done ../../xpmdomain.index/");
    }
  });

  it("normal: every job runs and the report has one row per retriever and collection", () => {
    const r = npmIn(downstream, ["run", "experiment"], env);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("11 jobs: 0 already done, 11 ran, 0 failed");
    const report = join(downstream, "workspace/jobs/xpmdomain.report");
    const table = readFileSync(join(report, readdirSync(report)[0]!, "results.md"), "utf8");
    expect(table).toContain("# BM25 on the toy collections");
    const rows = table.split("\n").filter((l) => /^\| BM25/.test(l));
    expect(rows.map((l) => l.split(" | ").slice(0, 2).join(" | "))).toEqual([
      "| BM25 k1=0.5 | cooking", "| BM25 k1=1.5 | cooking", "| BM25 tuned | cooking",
      "| BM25 k1=0.5 | space", "| BM25 k1=1.5 | space", "| BM25 tuned | space",
    ]);
    // The tuned parameters reached the evaluations: their rows differ from the defaults' b.
    for (const row of rows.filter((l) => l.includes("tuned"))) expect(row).not.toMatch(/\| 0\.4 \|$/);
  });
});
