/**
 * The plan diff through the CLI: `--golden` (summary first, no file twice under two
 * identifiers, a missing golden in one line), `experimaestro diff`, dry-run `--against`.
 * The example (examples/grid) where the issue asks for it; the plandiff fixture project
 * (test/fixtures/projects/plandiff) elsewhere.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, scratchFolders, tree, type CliResult } from "../helpers.ts";

const scratch = scratchFolders("xpm-plandiff-e2e-");
const EXAMPLE = "examples/grid/normal";
const PROJECT = fixture("projects/plandiff/normal");
const QUIET = ["-c", "dirty_git=ignore"];

const EPOCHS_SUMMARY = [
  "grid.Train (6 jobs)",
  "  6 changed: epochs 200 → 300",
  "grid.Evaluate (6 jobs)",
  "  6 re-identified: depends on a changed Train",
  "grid.Report (1 job)",
  "  1 re-identified: depends on 6 changed Evaluate jobs",
  "total: 6 changed, 7 re-identified, 0 unchanged (13 jobs)",
];

/** A golden folder of the fixture project, written by --update-golden. */
function projectGolden(): string {
  const dir = join(scratch(), "golden");
  const r = cli(["run-experiment", PROJECT, "--golden", dir, "--update-golden", ...QUIET]);
  expect(r.stdout).toContain(`golden: ${dir} updated (24 files)`);
  return dir;
}

/** A prepared workspace of the fixture project. */
function projectWorkspace(...conf: string[]): string {
  const ws = scratch();
  const r = cli(["run-experiment", PROJECT, "--run-mode", "prepare", "--workdir", ws, ...conf, ...QUIET]);
  expect(r.status, r.stderr).toBe(0);
  return ws;
}

const stdoutLines = (r: CliResult) => r.stdout.trimEnd().split("\n");

describe("--golden on the example with one value changed", () => {
  let result: CliResult | undefined;
  const run = () => (result ??= cli(["run-experiment", EXAMPLE, "--golden", "golden/grid", "-c", "epochs=300", ...QUIET]));

  it("prints the summary first (at most 10 lines), then the diff; exit 1 as before", () => {
    const r = run();
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^workspace: /);
    const firstDiff = lines.findIndex((l) => l.startsWith("--- "));
    const summary = lines.slice(1, firstDiff).filter((l) => l !== "");
    expect(summary).toEqual(EPOCHS_SUMMARY);
    expect(summary.length).toBeLessThanOrEqual(10);
    // Train is an execute task: epochs is in its params.json, not in its command line (6 files).
    expect(r.stderr).toMatch(/^error XPM150: the emitted files differ from golden\/grid in 6 files \(and \d+ more only by renamed identifiers: not shown, --full shows every file\)\n {2}hint: /);
    expect(r.status).toBe(1);
  });

  it("shows no file twice under two identifiers, and nothing for files that only moved", () => {
    const r = run();
    const shown = stdoutLines(r)
      .filter((l) => l.startsWith("+++ "))
      .map((l) => l.slice(4));
    expect(r.stdout).not.toContain("(not in golden)");
    expect(r.stdout).not.toContain("(not emitted any more)");
    // Each changed job file once, under its new identifier (its old one on the --- line).
    const names = shown.map((p) => p.replace(/[0-9a-f]{64}/, "<id>").toLowerCase());
    // (Train is an execute task: its script names the bundle and the task, so only its params.json changes.)
    expect(new Set(names.filter((p) => p.startsWith("emitted/jobs/")))).toEqual(new Set(["emitted/jobs/grid.train/<id>/params.json"]));
    expect(shown.filter((p) => p.startsWith("emitted/jobs/"))).toHaveLength(6);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.filter((p) => p === "emitted/experiments/grid/manifest.json").length).toBeLessThanOrEqual(1);
    expect(r.stdout).toMatch(/^- {4}"epochs": 200,$/m);
    expect(r.stdout).toMatch(/^\+ {4}"epochs": 300,$/m);
  });
});

describe("--golden on the fixture project", () => {
  it("--update-golden writes it; the same compile matches; --full shows renames again", () => {
    const golden = projectGolden();
    const same = cli(["run-experiment", PROJECT, "--golden", golden, ...QUIET]);
    expect(same.stdout).toContain(`golden: 24 files match ${golden}`);
    expect(same.status).toBe(0);
    const full = cli(["run-experiment", PROJECT, "--golden", golden, "--full", "-c", "scale=2", ...QUIET]);
    expect(full.stdout).toMatch(/^--- \(not in golden\)\n\+\+\+ emitted\/jobs\/pd\.evaluate\/[0-9a-f]{64}\/\w+\.sh$/m);
    expect(full.stderr).toMatch(/error XPM150: the emitted files differ from \S+ in \d+ files\n/);
    expect(full.status).toBe(1);
  });

  it("removed jobs are one line per folder, after the summary", () => {
    const golden = projectGolden();
    const r = cli(["run-experiment", PROJECT, "--golden", golden, "-c", "seeds=[1]", ...QUIET]);
    expect(r.status).toBe(1);
    const removed = stdoutLines(r).filter((l) => l.startsWith("only in golden: "));
    expect(removed).toHaveLength(4);
    for (const l of removed) expect(l).toMatch(/^only in golden: jobs\/pd\.(train|evaluate)\/[0-9a-f]{64}\/ \(a removed job: .*params\.json.*\)$/);
    expect(r.stdout).not.toContain("(not emitted any more)");
  });

  it("a missing golden folder is one line", () => {
    const dir = join(scratch(), "nowhere");
    const missing = cli(["run-experiment", PROJECT, "--golden", dir, ...QUIET]);
    expect(missing.status).toBe(1);
    expect(stdoutLines(missing)).toHaveLength(1);
    expect(missing.stderr.trim()).toBe(`error XPM153: no golden at ${dir}: run with --update-golden to create it`);
  });
});

describe("experimaestro diff <before> <after>", () => {
  it("the example's golden folder against its YAML with -c epochs=300: the summary, exit 1", () => {
    const r = cli(["diff", "golden/grid", EXAMPLE, "-c", "epochs=300"]);
    expect(stdoutLines(r)).toEqual(EPOCHS_SUMMARY);
    expect(r.status).toBe(1);
  });

  it("a golden folder against the same compile: no difference, exit 0", () => {
    const r = cli(["diff", projectGolden(), PROJECT]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("no difference: 10 jobs, same identifiers, params, resources, scripts and assets\n");
    expect(r.status).toBe(0);
  });

  it("--json for tools", () => {
    const r = cli(["diff", PROJECT, PROJECT, "-c", "samples=200", "--json"]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe("experimaestro-ts/plandiff@1");
    expect(doc.total).toEqual({ added: 0, removed: 0, changed: 4, "re-identified": 1, updated: 0, unchanged: 5, assets: 0 });
    const evaluate = doc.jobs.find((j: { task: string }) => j.task === "pd.Evaluate");
    expect(evaluate.params).toEqual([{ path: "samples", before: 100, after: 200 }]);
    expect(evaluate.before.hash).not.toBe(evaluate.after.hash);
    expect(doc.jobs.find((j: { task: string }) => j.task === "pd.Report").parents.changed).toEqual(["pd.Evaluate", "pd.Evaluate", "pd.Evaluate", "pd.Evaluate"]);
  });

  it("a prepared workspace, as DIR, DIR:ID or its manifest: job files read from it", () => {
    const ws = projectWorkspace("-c", "seeds=[1]");
    const expected = [
      "pd.Train (2 → 4 jobs)",
      "  2 added: lr=0.1 seed=2, lr=0.2 seed=2",
      "pd.Evaluate (2 → 4 jobs)",
      "  2 added: lr=0.1 seed=2, lr=0.2 seed=2",
      "pd.Report (1 job)",
      "  1 changed: evaluations [2 items] → [4 items] (+2); depends on 2 added Evaluate jobs",
      "total: 1 changed, 4 added, 5 unchanged (6 → 10 jobs)",
    ];
    for (const side of [ws, `${ws}:plandiff`, join(ws, "experiments/plandiff/manifest.json")]) {
      const r = cli(["diff", side, PROJECT]);
      expect(stdoutLines(r), side).toEqual(expected);
      expect(r.status).toBe(1);
    }
  });

  it("launchers change resources and scheduler options, not identifiers", () => {
    const r = cli(["diff", "golden/grid", "golden/grid-slurm"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("grid.Train (6 jobs)\n  6 updated: launcher local → cpu, backend local → slurm, account (none) → team-ml, constraint (none) → avx2, +3 more\n");
    expect(r.stdout).toContain("total: 13 updated, 0 unchanged (13 jobs)\n");
  });

  it("mistakes are coded diagnostics, exit 2, no stack trace", () => {
    const cases: [string[], string][] = [
      [["diff", "golden/grid"], "error XPM901: diff takes two plans: <before> <after>"],
      [["diff", "no/such/dir", "golden/grid"], "error XPM151: 'no/such/dir' does not exist"],
      [["diff", "examples", "golden/grid"], "error XPM151: examples holds no prepared experiment"],
      [["diff", "golden/grid:other", "golden/grid"], "error XPM152: golden/grid has no prepared experiment 'other' (it has grid)"],
      [["diff", PROJECT, "golden/grid", "-c", "samples=3"], "error XPM901: -c, --pre-yaml and --post-yaml change the compile of <after>"],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("run-experiment --run-mode dry-run --against <before>", () => {
  it("says what this compile would change in a prepared workspace, and writes nothing", () => {
    const ws = projectWorkspace();
    const before = tree(ws);
    const r = cli(["run-experiment", PROJECT, "--run-mode", "dry-run", "--workdir", ws, "--against", ws, "-c", "scale=2", ...QUIET]);
    expect(stdoutLines(r).slice(1)).toEqual([
      "experiment plandiff: 10 jobs (dry run: nothing written)",
      `compared with ${ws}:`,
      "pd.Prepare (1 job)",
      "  1 changed: scale 1 → 2",
      "pd.Train (4 jobs)",
      "  4 re-identified: depends on a changed Prepare",
      "pd.Evaluate (4 jobs)",
      "  4 re-identified: depends on a changed Train",
      "pd.Report (1 job)",
      "  1 re-identified: depends on 4 changed Evaluate jobs",
      "total: 1 changed, 9 re-identified, 0 unchanged (10 jobs)",
    ]);
    expect(r.status).toBe(1);
    expect(tree(ws)).toEqual(before);
  });

  it("exit 0 when nothing would change; --against goes with dry-run only", () => {
    const ws = projectWorkspace();
    const same = cli(["run-experiment", PROJECT, "--run-mode", "dry-run", "--against", ws, ...QUIET]);
    expect(same.stdout).toContain(`compared with ${ws}:\nno difference: 10 jobs`);
    expect(same.status).toBe(0);
    const refused = cli(["run-experiment", PROJECT, "--run-mode", "prepare", "--against", ws, ...QUIET]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("error XPM901: --against goes with --run-mode dry-run");
  });
});
