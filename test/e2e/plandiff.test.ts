/**
 * The plan diff through the CLI: `--golden` (summary first, no file twice under two
 * identifiers, a missing golden in one line), `experimaestro diff`, dry-run `--against`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, scratchFolders, tree, type CliResult } from "../helpers.ts";

const scratch = scratchFolders("xpm-plandiff-e2e-");
const EXAMPLE = "examples/grid/normal";
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

describe("--golden with one value changed", () => {
  let result: CliResult | undefined;
  const run = () => (result ??= cli(["run-experiment", EXAMPLE, "--golden", "golden/grid", "-c", "epochs=300", ...QUIET]));

  it("prints the summary first (at most 10 lines), then the diff; exit 1 as before", () => {
    const r = run();
    const lines = r.stdout.split("\n");
    expect(r.status).toBe(1);
    expect(lines[0]).toMatch(/^workspace: /);
    const firstDiff = lines.findIndex((l) => l.startsWith("--- "));
    const summary = lines.slice(1, firstDiff).filter((l) => l !== "");
    expect(summary).toEqual(EPOCHS_SUMMARY);
    expect(summary.length).toBeLessThanOrEqual(10);
    expect(r.stderr.trim()).toBe(
      "error XPM150: the emitted files differ from golden/grid in 13 files (and 16 more only by renamed identifiers: not shown, --full shows every file)\n" +
        "  hint: review the diff; if the change is intended, rerun with --update-golden",
    );
  });

  it("shows no file twice under two identifiers, and nothing for files that only moved", () => {
    const r = run();
    const lines = r.stdout.split("\n");
    const shown = lines.filter((l) => l.startsWith("+++ ")).map((l) => l.slice(4));
    expect(r.stdout).not.toContain("(not in golden)");
    expect(r.stdout).not.toContain("(not emitted any more)");
    // Each job file once, under its new identifier; its old name on the --- line.
    const byFile = shown.map((p) => p.replace(/[0-9a-f]{64}/, "<id>"));
    expect(byFile.filter((p) => p.includes("Train.sh"))).toHaveLength(6);
    expect(byFile.filter((p) => p.includes("grid.train") && p.endsWith("params.json"))).toHaveLength(6);
    expect(shown.some((p) => /grid\.(evaluate|report)\//.test(p))).toBe(false);
    expect(shown.filter((p) => p === "emitted/experiments/grid/manifest.json")).toHaveLength(1);
    expect(r.stdout).toMatch(/^- {2}xpm_step node \S+ --lr 0\.1 --seed 2 --epochs 200 --samples 256 --out model\.json$/m);
    expect(r.stdout).toMatch(/^\+ {2}xpm_step node \S+ --lr 0\.1 --seed 2 --epochs 300 --samples 256 --out model\.json$/m);
  });

  it("--full shows every differing file, renames included, as before", () => {
    const full = cli(["run-experiment", EXAMPLE, "--golden", "golden/grid", "-c", "epochs=300", "--full", ...QUIET]);
    expect(full.status).toBe(1);
    expect(full.stdout).toMatch(/^--- \(not in golden\)\n\+\+\+ emitted\/jobs\/grid\.evaluate\/[0-9a-f]{64}\/Evaluate\.sh$/m);
    expect(full.stderr).toContain("error XPM150: the emitted files differ from golden/grid in 55 files");
  });

  it("a missing golden folder is one line", () => {
    const dir = join(scratch(), "nowhere");
    const missing = cli(["run-experiment", EXAMPLE, "--golden", dir, ...QUIET]);
    expect(missing.status).toBe(1);
    expect(missing.stdout.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr.trim()).toBe(`error XPM153: no golden at ${dir}: run with --update-golden to create it`);
  });
});

describe("experimaestro diff <before> <after>", () => {
  it("a golden folder against the example's YAML: the same plan, exit 0", () => {
    const r = cli(["diff", "golden/grid", EXAMPLE]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("no difference: 13 jobs, same identifiers, params, resources, scripts and assets\n");
    expect(r.status).toBe(0);
  });

  it("-c changes the compile of <after>: the summary, exit 1; --json for tools", () => {
    const r = cli(["diff", "golden/grid", EXAMPLE, "-c", "epochs=300"]);
    expect(r.stdout.trimEnd().split("\n")).toEqual(EPOCHS_SUMMARY);
    expect(r.status).toBe(1);
    const json = cli(["diff", "golden/grid", EXAMPLE, "-c", "epochs=300", "--json"]);
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.schema).toBe("experimaestro-ts/plandiff@1");
    expect(doc.total).toEqual({ added: 0, removed: 0, changed: 6, "re-identified": 7, updated: 0, unchanged: 0, assets: 0 });
    const train = doc.jobs.find((j: { task: string }) => j.task === "grid.Train");
    expect(train.params).toEqual([{ path: "epochs", before: 200, after: 300 }]);
    expect(train.before.hash).not.toBe(train.after.hash);
  });

  it("a prepared workspace, as DIR, DIR:ID or its manifest; job files read from it", () => {
    const ws = scratch();
    const prepared = cli(["run-experiment", EXAMPLE, "--run-mode", "prepare", "--workdir", ws, "-c", "seeds=[1]", ...QUIET]);
    expect(prepared.status).toBe(0);
    const expected = [
      "grid.Train (6 → 3 jobs)",
      "  3 removed: lr=0.01 seed=2, lr=0.1 seed=2, lr=0.3 seed=2",
      "grid.Evaluate (6 → 3 jobs)",
      "  3 removed: lr=0.01 seed=2, lr=0.1 seed=2, lr=0.3 seed=2",
      "grid.Report (1 job)",
      "  1 changed: metrics [6 items] → [3 items] (-3); no longer depends on 3 removed Evaluate jobs",
      "total: 1 changed, 6 removed, 6 unchanged (13 → 7 jobs)",
    ];
    for (const side of [ws, `${ws}:grid`, join(ws, "experiments/grid/manifest.json")]) {
      const r = cli(["diff", "golden/grid", side]);
      expect(r.stdout.trimEnd().split("\n"), side).toEqual(expected);
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
      [["diff", EXAMPLE, "golden/grid", "-c", "epochs=3"], "error XPM901: -c, --pre-yaml and --post-yaml change the compile of <after>"],
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
    const ws = scratch();
    expect(cli(["run-experiment", EXAMPLE, "--run-mode", "prepare", "--workdir", ws, ...QUIET]).status).toBe(0);
    const before = tree(ws);
    const r = cli(["run-experiment", EXAMPLE, "--run-mode", "dry-run", "--workdir", ws, "--against", ws, "-c", "epochs=300", ...QUIET]);
    expect(r.stdout.trimEnd().split("\n").slice(1)).toEqual(["experiment grid: 13 jobs (dry run: nothing written)", `compared with ${ws}:`, ...EPOCHS_SUMMARY]);
    expect(r.status).toBe(1);
    expect(tree(ws)).toEqual(before);
  });

  it("exit 0 when nothing would change; --against goes with dry-run only", () => {
    const same = cli(["run-experiment", EXAMPLE, "--run-mode", "dry-run", "--against", "golden/grid", ...QUIET]);
    expect(same.stdout).toContain("compared with golden/grid:\nno difference: 13 jobs");
    expect(same.status).toBe(0);
    const refused = cli(["run-experiment", EXAMPLE, "--run-mode", "prepare", "--against", "golden/grid", ...QUIET]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("error XPM901: --against goes with --run-mode dry-run");
  });
});
