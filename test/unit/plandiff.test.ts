/**
 * The plan diff over real compiles: each row changes one thing in a small project (or the
 * example) and states the whole summary it must print. The projects are compiled in this
 * process, emitted in memory (nothing written), and compared as `experimaestro diff` does.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.ts";
import { materialize } from "../../src/emit/index.ts";
import { alignOrder, goldenFileDiffs, sameWords } from "../../src/plandiff/files.ts";
import { comparePlans } from "../../src/plandiff/index.ts";
import { fromDirectory, fromFiles, type PlanSource } from "../../src/plandiff/source.ts";
import { formatSummary } from "../../src/plandiff/summary.ts";
import { ROOT, fixture, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-plandiff-");
const CONFIG = scratch();
const PROJECT = fixture("projects/plandiff/normal");

/** The files of a compile of `yaml` with `-c` overrides, in memory. */
async function emitted(yaml: string, overrides: string[] = []): Promise<Map<string, string | Buffer>> {
  const c = await compile(yaml, { overrides, configDir: CONFIG, emit: true });
  return new Map([...c.files!].map(([p, content]) => [p, materialize(content)]));
}

/** A compile of `yaml` with `-c` overrides, as a diff side. */
async function plan(yaml: string, overrides: string[] = []): Promise<PlanSource> {
  return fromFiles(await emitted(yaml, overrides), yaml);
}

async function summary(before: PlanSource, after: PlanSource): Promise<string[]> {
  return formatSummary(comparePlans(before, after).diff);
}

const ROWS: { name: string; c: string[]; expected: string[] }[] = [
  {
    name: "one param changed in one task",
    c: ["report_title=Other"],
    expected: ["pd.Report (1 job)", '  1 changed: title "Sweep" → "Other"', "total: 1 changed, 9 unchanged (10 jobs)"],
  },
  {
    name: "a new grid value: jobs added",
    c: ["lrs=[0.1, 0.2, 0.3]"],
    expected: [
      "pd.Train (4 → 6 jobs)",
      "  2 added: lr=0.3 seed=1, lr=0.3 seed=2",
      "pd.Evaluate (4 → 6 jobs)",
      "  2 added: lr=0.3 seed=1, lr=0.3 seed=2",
      "pd.Report (1 job)",
      "  1 changed: evaluations [4 items] → [6 items] (+2); depends on 2 added Evaluate jobs",
      "total: 1 changed, 4 added, 9 unchanged (10 → 14 jobs)",
    ],
  },
  {
    name: "a removed seed: jobs removed",
    c: ["seeds=[1]"],
    expected: [
      "pd.Train (4 → 2 jobs)",
      "  2 removed: lr=0.1 seed=2, lr=0.2 seed=2",
      "pd.Evaluate (4 → 2 jobs)",
      "  2 removed: lr=0.1 seed=2, lr=0.2 seed=2",
      "pd.Report (1 job)",
      "  1 changed: evaluations [4 items] → [2 items] (-2); no longer depends on 2 removed Evaluate jobs",
      "total: 1 changed, 4 removed, 5 unchanged (10 → 6 jobs)",
    ],
  },
  {
    name: "a resource change only: same identifiers",
    c: ["train_requirements=cpu(cores=2, mem=2GiB)"],
    expected: ["pd.Train (4 jobs)", "  4 updated: cpus 1 → 2, memory (none) → 2GiB", "total: 4 updated, 6 unchanged (10 jobs)"],
  },
  {
    name: "a change deep in the chain: its descendants re-identified",
    c: ["scale=2"],
    expected: [
      "pd.Prepare (1 job)",
      "  1 changed: scale 1 → 2",
      "pd.Train (4 jobs)",
      "  4 re-identified: depends on a changed Prepare",
      "pd.Evaluate (4 jobs)",
      "  4 re-identified: depends on a changed Train",
      "pd.Report (1 job)",
      "  1 re-identified: depends on 4 changed Evaluate jobs",
      "total: 1 changed, 9 re-identified, 0 unchanged (10 jobs)",
    ],
  },
  {
    name: "a change in the middle: the task itself changed, what follows re-identified",
    c: ["samples=200"],
    expected: [
      "pd.Evaluate (4 jobs)",
      "  4 changed: samples 100 → 200",
      "pd.Report (1 job)",
      "  1 re-identified: depends on 4 changed Evaluate jobs",
      "total: 4 changed, 1 re-identified, 5 unchanged (10 jobs)",
    ],
  },
  {
    name: "nothing changed",
    c: [],
    expected: ["no difference: 10 jobs, same identifiers, params, resources, scripts and assets"],
  },
];

describe("plan diff: one change per row, the whole summary", () => {
  let base: PlanSource | undefined;
  const before = async () => (base ??= await plan(PROJECT));

  for (const row of ROWS) {
    it(row.name, async () => {
      expect(await summary(await before(), await plan(PROJECT, row.c))).toEqual(row.expected);
    });
  }

  it("an asset edit: the file named, the jobs that run it updated (their identifiers do not cover it)", async () => {
    const dir = scratch();
    cpSync(join(ROOT, "test/fixtures/projects/plandiff"), join(dir, "p"), { recursive: true });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules/experimaestro-ts"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
    const yaml = join(dir, "p/normal");
    const old = await plan(yaml);
    writeFileSync(join(dir, "p/tool.sh"), `${readFileSync(join(dir, "p/tool.sh"), "utf8")}echo edited\n`);
    expect(await summary(old, await plan(yaml))).toEqual([
      "pd.Prepare (1 job)",
      "  1 updated: uses changed tool.sh",
      "pd.Train (4 jobs)",
      "  4 updated: uses changed tool.sh",
      "pd.Evaluate (4 jobs)",
      "  4 updated: uses changed tool.sh",
      "pd.Report (1 job)",
      "  1 updated: uses changed tool.sh",
      "assets (project files)",
      "  changed: tool.sh",
      "  (identifiers do not cover project files: jobs already done will not run again)",
      "total: 10 updated, 0 unchanged (10 jobs); 1 asset file changed",
    ]);
  });

  it("the example with epochs changed by -c, against its golden tree: at most 10 lines", async () => {
    const lines = await summary(fromDirectory(join(ROOT, "golden/grid"), "golden/grid"), await plan(join(ROOT, "examples/grid/normal"), ["epochs=300"]));
    expect(lines).toEqual([
      "grid.Train (6 jobs)",
      "  6 changed: epochs 200 → 300",
      "grid.Evaluate (6 jobs)",
      "  6 re-identified: depends on a changed Train",
      "grid.Report (1 job)",
      "  1 re-identified: depends on 6 changed Evaluate jobs",
      "total: 6 changed, 7 re-identified, 0 unchanged (13 jobs)",
    ]);
    expect(lines.length).toBeLessThanOrEqual(10);
  });
});

describe("the golden file view: what changed other than by a rename", () => {
  it("a change at the root: each changed file once, under its new identifier; the rest only renamed", async () => {
    const [old, now] = [await emitted(PROJECT), await emitted(PROJECT, ["scale=2"])];
    const view = goldenFileDiffs(old, now, comparePlans(fromFiles(old, "golden"), fromFiles(now, "emitted")));
    const shown = view.diffs.map((d) => d.split("\n")[1]!.replace(/^\+\+\+ emitted\//, ""));
    expect(new Set(shown).size).toBe(shown.length);
    expect(view.diffs.join("\n")).not.toMatch(/not in golden|not emitted any more/);
    // Prepare's own files show scale; the Train params hold Prepare's values (the same change,
    // said once); scripts that only name new identifiers, and the drivers, are only renamed.
    const prepare = view.diffs.filter((d) => d.includes("emitted/jobs/pd.prepare/"));
    expect(prepare).toHaveLength(2);
    expect(prepare.join("\n")).toMatch(/^-.*\b1\b[\s\S]*^\+.*\b2\b/m);
    expect(view.diffs.filter((d) => d.includes("(the same change as emitted/jobs/pd.train/"))).toHaveLength(3);
    expect(shown.filter((p) => p.endsWith(".sh") && !p.includes("pd.prepare"))).toEqual([]);
    expect(view.renamed).toBeGreaterThan(10);
  });

  it("lists sorted by identifier: reordered lines are a rename", () => {
    expect(alignOrder("h\nT1\nE1\nT2\nE2\nend", "h\nT2\nE2\nT1x\nE1\nend")).toBe("h\nT2\nE2\nT1\nE1\nend");
    expect(sameWords("run a \\\n  b \\\n  c", "run c \\\n  a \\\n  b")).toBe(true);
    expect(sameWords("run a b", "run a c")).toBe(false);
  });
});
