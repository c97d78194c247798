/**
 * Arrays and site limits in submit-slurm.sh, run by bash against the fake SLURM on PATH
 * (fake-schedulers.ts): the words of each submission, what each job records, the re-run of a
 * failed element, the waves under max_submit and the continuation job, submissions that timed
 * out after SLURM took them (which a live SLURM cannot be made to do), and `report` over such a
 * workspace. The real SLURM runs the rest in test/cluster/slurm-arrays.test.ts.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, scratchFolders } from "../helpers.ts";
import { FakeScheduler } from "./fake-schedulers.ts";

const scratch = scratchFolders("xpm-arrays-");

interface Job {
  key: string;
  task: string;
  dir: string;
  name: string;
  deps: string[];
}

/** The grid example (6 train -> 6 evaluate -> 1 report) prepared for a SLURM launcher, and a fake SLURM. */
class Grid {
  readonly ws: string;
  readonly fake: FakeScheduler;
  readonly jobs: Job[];

  constructor(options = "") {
    const dir = scratch();
    this.ws = join(dir, "ws");
    this.fake = new FakeScheduler(join(dir, "fake"));
    const config = join(dir, "config");
    mkdirSync(config);
    writeFileSync(join(config, "launchers.yaml"), `launchers:\n  - {id: c, type: slurm, priority: 1, cores: 8, memory: 16GiB, max_duration: 1d, slurm: {partition: debug${options}}}\n`);
    const r = cli(["run-experiment", join(ROOT, "examples/grid/normal"), "--run-mode", "prepare", "--workdir", this.ws, "--xpm-config-dir", config, "-c", "dirty_git=ignore"]);
    expect(r.status, r.stderr).toBe(0);
    this.jobs = (JSON.parse(readFileSync(join(this.ws, "experiments/grid/manifest.json"), "utf8")) as { jobs: Job[] }).jobs;
  }

  run(args: string[] = [], opts: { script?: string; cwd?: string } = {}) {
    const r = spawnSync("bash", [opts.script ?? join(this.ws, "experiments/grid/submit-slurm.sh"), ...args], { encoding: "utf8", env: this.fake.env({ USER: "alice" }), cwd: opts.cwd });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  of(task: string): Job[] {
    return this.jobs.filter((j) => j.task === task);
  }

  id(j: Job): string | undefined {
    const f = join(this.ws, j.dir, `${j.name}.slurm-id`);
    return existsSync(f) ? readFileSync(f, "utf8").trim() : undefined;
  }

  /** A job ended: its marker, and the fake's state for its id. */
  end(j: Job, state: "COMPLETED" | "FAILED" | "CANCELLED", reason = "None"): void {
    if (state === "COMPLETED") writeFileSync(join(this.ws, j.dir, `${j.name}.done`), "");
    if (state === "FAILED") writeFileSync(join(this.ws, j.dir, `${j.name}.failed`), '{"code": 1, "reason": "failed"}\n');
    this.fake.set(this.id(j)!, state, reason);
  }

  /** The sbatch submissions, without --test-only checks. */
  submissions(): string[] {
    return this.fake.submissions("sbatch");
  }
}

const arrayOf = (call: string) => /--array=(\S+)/.exec(call)?.[1];

describe("submit-slurm.sh with arrays (fake SLURM)", () => {
  it("dry-run and the manifest show the arrays and the waves", () => {
    const dir = scratch();
    const r = cli(["run-experiment", join(ROOT, "examples/grid/normal"), "--run-mode", "dry-run", "--workdir", join(dir, "ws"), "--xpm-config-dir", join(ROOT, "examples/grid/launchers/slurm-limits"), "-c", "dirty_git=ignore", "-c", "seeds=[1,2,3,4,5]"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/submit-slurm\.sh: \d+ submissions \(arrays of at most 4; --no-arrays: one per job\)/);
    expect(r.stdout).toMatch(/array evaluate-array-\w+: \d+ jobs of grid\.Evaluate \(launcher cpu, 2 at once\), element by element after train-array-\w+/);
    expect(r.stdout).toMatch(/at most 50 jobs queued: \d+ waves?/);
    const manifest = JSON.parse(readFileSync(join(ROOT, "golden/grid-slurm-limits/experiments/grid/manifest.json"), "utf8"));
    expect(manifest.arrays.map((a: { task: string; jobs: string[]; throttle: number }) => [a.task, a.jobs.length, a.throttle])).toEqual([["grid.Train", 6, 2], ["grid.Evaluate", 6, 2]]);
    expect(manifest.submission[0]).toMatchObject({ backend: "slurm", maxArraySize: 4, maxSubmit: 50, submissions: 5 });
  });

  it("submits the grid in three calls: train, evaluate aftercorr onto train, report afterok on the evaluate array; each job records its element", () => {
    const g = new Grid(", array_parallelism: 2");
    const r = g.run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const calls = g.submissions();
    expect(calls).toHaveLength(3);
    expect(arrayOf(calls[0]!)).toBe("0-5%2");
    const train = /^[0-9]+/.exec(g.id(g.of("grid.Train")[0]!)!)![0];
    expect(calls[1]).toContain(`--dependency=aftercorr:${train} `);
    expect(arrayOf(calls[1]!)).toBe("0-5%2");
    const evaluate = /^[0-9]+/.exec(g.id(g.of("grid.Evaluate")[0]!)!)![0];
    expect(calls[2]).toContain(`--dependency=afterok:${evaluate} `);
    expect(arrayOf(calls[2]!)).toBeUndefined();
    // Element k of evaluate is the child of element k of train: same index in both arrays.
    for (const e of g.of("grid.Evaluate")) {
      const parent = g.jobs.find((j) => j.key === e.deps.find((d) => d.startsWith("grid.train/")))!;
      expect(g.id(e)!.split("_")[1]).toBe(g.id(parent)!.split("_")[1]);
      expect(g.id(e)).toMatch(new RegExp(`^${evaluate}_[0-5]$`));
    }
    // The list file maps an index to its job folder; the array script runs that job's own script.
    const list = readFileSync(join(g.ws, "experiments/grid/arrays", `${/--job-name=(\S+)/.exec(calls[0]!)![1]}.list`), "utf8").trim().split("\n");
    expect(list).toEqual(g.of("grid.Train").map((j) => j.dir).sort((a, b) => Number(g.id(g.jobs.find((x) => x.dir === a)!)!.split("_")[1]) - Number(g.id(g.jobs.find((x) => x.dir === b)!)!.split("_")[1])));
    // status.sh and `experimaestro status` show each element as its job, queued under its element id.
    const status = JSON.parse(cli(["status", g.ws, "grid", "--json"], { env: g.fake.env() }).stdout) as { key: string; state: string; schedulerId?: string }[];
    expect(status.every((row) => row.state === "queued")).toBe(true);
    expect(status.find((row) => row.key === g.of("grid.Evaluate")[0]!.key)!.schedulerId).toMatch(new RegExp(`^${evaluate}_[0-5]$`));
    const sh = g.run([], { script: join(g.ws, "experiments/grid/status.sh") });
    expect(sh.stdout.trim().split("\n").filter((l) => /queued/.test(l))).toHaveLength(13);
    // A second run leaves every queued element alone, known by its array's name.
    g.fake.forgetCalls();
    const again = g.run();
    expect(again.stdout).toContain("13 jobs: 0 submitted, 13 already queued or running");
    expect(g.submissions()).toHaveLength(0);
  });

  it("--no-arrays submits one job per call, as before", () => {
    const g = new Grid();
    const r = g.run(["--no-arrays"]);
    expect(r.status, r.stderr).toBe(0);
    expect(g.submissions()).toHaveLength(13);
    expect(g.submissions().some((c) => c.includes("--array"))).toBe(false);
  });

  it("a failed element: a re-run resubmits that element and its correlated child only, each at its own index", () => {
    const g = new Grid();
    expect(g.run().status).toBe(0);
    const train = g.of("grid.Train");
    const bad = train.find((j) => g.id(j)!.endsWith("_2"))!;
    const child = g.of("grid.Evaluate").find((e) => e.deps.includes(bad.key))!;
    for (const j of train) g.end(j, j === bad ? "FAILED" : "COMPLETED");
    for (const e of g.of("grid.Evaluate")) if (e !== child) g.end(e, "COMPLETED");
    // SLURM cancels the correlated child of a failed element (--kill-on-invalid-dep=yes), and the report waiting on the whole array.
    g.end(child, "CANCELLED", "DependencyNeverSatisfied");
    g.end(g.of("grid.Report")[0]!, "CANCELLED", "DependencyNeverSatisfied");
    g.fake.forgetCalls();
    const r = g.run();
    expect(r.status, r.stderr).toBe(0);
    const calls = g.submissions();
    expect(calls).toHaveLength(3);
    expect(arrayOf(calls[0]!)).toBe("2");
    expect(arrayOf(calls[1]!)).toBe("2");
    const newTrain = g.id(bad)!.split("_")[0];
    expect(g.id(bad)).toBe(`${newTrain}_2`);
    expect(calls[1]).toContain(`--dependency=aftercorr:${newTrain} `);
    expect(g.id(child)).toMatch(/_2$/);
    expect(r.stdout).toContain("13 jobs: 3 submitted, 0 already queued or running, 10 done");
  });

  it("an array submission that timed out after SLURM took it is found by its name: submitted once, its id recorded for every element, the children chained to it", () => {
    const g = new Grid();
    // The train and the evaluate arrays time out, taken all the same.
    g.fake.behave("taken.sbatch", "2\n");
    const r = g.run();
    expect(r.status, r.stderr).toBe(0);
    const taken = r.stderr.match(/warning: sbatch had taken experiments\/grid\/arrays\/\S+\.sh \(6 jobs\) all the same, as job \d+: not submitted again/g);
    expect(taken).toHaveLength(2);
    const calls = g.submissions();
    expect(calls).toHaveLength(3);
    expect(g.fake.jobs().size).toBe(13);
    const finds = g.fake.calls("squeue").filter((c) => c.includes(" -n "));
    expect(finds.map((c) => c.split(" ").at(-1))).toEqual([/--job-name=(\S+)/.exec(calls[0]!)![1], /--job-name=(\S+)/.exec(calls[1]!)![1]]);
    // Every element records its element of the one array; evaluate waits element by element, the report on the whole array.
    const train = /^[0-9]+/.exec(g.id(g.of("grid.Train")[0]!)!)![0];
    expect(g.of("grid.Train").map((j) => g.id(j)!.split("_")[0])).toEqual(Array(6).fill(train));
    expect(g.of("grid.Train").map((j) => g.id(j)!.split("_")[1]).sort()).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(calls[1]).toContain(`--dependency=aftercorr:${train} `);
    const evaluate = /^[0-9]+/.exec(g.id(g.of("grid.Evaluate")[0]!)!)![0];
    expect(g.of("grid.Evaluate").every((j) => g.id(j)!.startsWith(`${evaluate}_`))).toBe(true);
    expect(calls[2]).toContain(`--dependency=afterok:${evaluate} `);
    expect(r.stdout).toContain("13 jobs: 13 submitted");
    g.fake.forgetCalls();
    expect(g.run().stdout).toContain("13 jobs: 0 submitted, 13 already queued or running");
    expect(g.submissions()).toHaveLength(0);
  });

  it("a re-run's smaller array that timed out is not taken for the older array of the same name still running", () => {
    const g = new Grid();
    expect(g.run().status).toBe(0);
    const train = g.of("grid.Train");
    const first = g.id(train[0]!)!.split("_")[0]!;
    const bad = train.find((j) => g.id(j)!.endsWith("_2"))!;
    // The other elements of the first train array still run, under the array's name.
    for (const j of train) if (j === bad) g.end(j, "FAILED");
    else g.fake.set(g.id(j)!, "RUNNING");
    g.fake.behave("taken.sbatch", "1\n");
    g.fake.forgetCalls();
    const r = g.run();
    expect(r.status, r.stderr).toBe(0);
    const calls = g.submissions();
    expect(arrayOf(calls[0]!)).toBe("2");
    expect(calls.filter((c) => arrayOf(c) === "2" && c.includes("train"))).toHaveLength(1);
    const again = g.id(bad)!;
    expect(again).toMatch(/^[0-9]+_2$/);
    expect(again.split("_")[0]).not.toBe(first);
    expect(g.fake.jobs().get(again)).toBeDefined();
    expect(r.stderr).toContain(`as job ${again.split("_")[0]}: not submitted again`);
    // The other elements keep their ids in the first array.
    for (const j of train) if (j !== bad) expect(g.id(j)!.split("_")[0]).toBe(first);
  });

  it("a continuation job's submission that timed out after SLURM took it is found by its name, not submitted twice", () => {
    const g = new Grid(", max_submit: 3");
    mkdirSync(join(g.fake.state, "jobs"), { recursive: true });
    for (const id of ["7", "8", "9"]) writeFileSync(join(g.fake.state, "jobs", id), "RUNNING|None|other\n");
    g.fake.behave("taken.sbatch", "1\n");
    const r = g.run();
    expect(r.status, r.stderr).toBe(0);
    expect(g.submissions()).toHaveLength(1);
    expect(r.stderr).toMatch(/warning: sbatch had taken the continuation job \(experiments\/grid\/submit-slurm\.sh\) all the same, as job (\d+): not submitted again/);
    const id = readFileSync(join(g.ws, "experiments/grid/continuation.slurm-id"), "utf8").trim();
    expect(g.fake.jobs().get(id)![2]).toBe("xpm-continue-submit-slurm");
    expect(r.stdout).toContain(`continuing in job ${id}`);
  });

  it("experimaestro report asks SLURM once: the summary, the graph, the jobs table and the results section show the same states as status", () => {
    const g = new Grid();
    expect(g.run().status).toBe(0);
    for (const j of g.of("grid.Train")) g.end(j, "COMPLETED");
    const [bad, ...evaluations] = g.of("grid.Evaluate");
    g.end(bad!, "FAILED");
    for (const e of evaluations.slice(0, 3)) {
      writeFileSync(join(g.ws, e.dir, "metrics.json"), '{"mse": 0.5}\n');
      g.end(e, "COMPLETED");
    }
    g.fake.set(g.id(evaluations[3]!)!, "RUNNING");
    g.fake.forgetCalls();
    const r = cli(["report", g.ws, "grid"], { env: g.fake.env() });
    expect(r.status, r.stderr).toBe(0);
    // One query of the jobs' states (squeue -j), for every section of the page.
    expect(g.fake.calls("squeue").filter((c) => c.includes(" -j "))).toHaveLength(1);
    const html = readFileSync(join(g.ws, "experiments/grid/report.html"), "utf8");
    const table = new Map([...html.matchAll(/<tr class="job" data-key="([^"]*)" data-state="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const status = JSON.parse(cli(["status", g.ws, "grid", "--json"], { env: g.fake.env() }).stdout) as { key: string; state: string }[];
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(status.map((s) => [s.key, s.state])));
    expect(new Set(table.values())).toEqual(new Set(["done", "failed", "running", "queued", "blocked"]));
    // The summary counts the table's states; each graph node shows its jobs' states.
    const counts = (keys: string[]) => keys.reduce<Record<string, number>>((c, k) => ({ ...c, [table.get(k)!]: (c[table.get(k)!] ?? 0) + 1 }), {});
    const summary = /<p class="meta">[\s\S]*?<\/p>/.exec(html)![0];
    const shown = Object.fromEntries([...summary.matchAll(/<span class="pill st-[^"]*">([a-z ]+) (\d+)<\/span>/g)].map((m) => [m[1]!, Number(m[2])]));
    expect(shown).toEqual(counts([...table.keys()]));
    const nodes = [...html.matchAll(/<g class="xpm-node[^"]*" id="[^"]*" data-node=[^>]*>/g)].map((m) => m[0]);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const keys = /data-key="([^"]*)"/.exec(node)![1]!.split(" ");
      const group = /data-counts="([^"]*)"/.exec(node)?.[1];
      if (group) expect(JSON.parse(group.replace(/&quot;/g, '"'))).toEqual(counts(keys));
      else expect(/data-state="([^"]*)"/.exec(node)![1]).toBe(table.get(keys[0]!));
    }
    // The results section: the three evaluations that wrote their metrics.
    const results = /<section id="results">[\s\S]*?<\/section>/.exec(html)![0];
    expect([...results.matchAll(/<tr><td data-v="grid\.Evaluate\/[0-9a-f]{8}"/g)]).toHaveLength(3);
  });

  it("within max_submit and max_array_size: waves drained by continuation jobs, each job submitted once", () => {
    const g = new Grid(", max_array_size: 4, max_submit: 6");
    const seen = new Map<string, number>();
    let continuations = 0;
    for (let wave = 0; wave < 10; wave++) {
      g.fake.forgetCalls();
      const r = g.run(wave === 0 ? [] : ["--continue"]);
      expect(r.status, r.stderr).toBe(0);
      const calls = g.submissions();
      const jobsOf = (c: string) => (arrayOf(c) ?? "x").split(",").reduce((n, p) => n + (p === "x" ? 1 : p.includes("-") ? Number(p.split("-")[1]) - Number(p.split("-")[0]) + 1 : 1), 0);
      const cont = calls.filter((c) => c.includes("--job-name=xpm-continue-submit-slurm"));
      const work = calls.filter((c) => !cont.includes(c));
      // At most max_submit - 1 jobs a wave (one place for the continuation), arrays of at most 4, indices below 4.
      expect(work.reduce((n, c) => n + jobsOf(c), 0)).toBeLessThanOrEqual(5);
      for (const c of work) if (arrayOf(c)) expect(arrayOf(c)).toMatch(/^[0-3](-[0-3])?(,[0-3](-[0-3])?)*$/);
      if (cont.length === 0) {
        expect(r.stdout).toContain("0 for the next wave");
        break;
      }
      continuations++;
      expect(cont).toHaveLength(1);
      expect(cont[0]).toMatch(/--dependency=afterany:[0-9]+(:[0-9]+)* /);
      expect(cont[0]).toMatch(/\.\/submit-slurm\.sh --continue$/);
      // The scheduler runs the wave: everything submitted ends well.
      for (const j of g.jobs) {
        const id = g.id(j);
        if (id && !existsSync(join(g.ws, j.dir, `${j.name}.done`))) {
          seen.set(j.key, (seen.get(j.key) ?? 0) + 1);
          g.end(j, "COMPLETED");
        }
      }
      g.fake.set(/^([0-9]+)/.exec(readFileSync(join(g.ws, "experiments/grid/continuation.slurm-id"), "utf8"))![1]!, "RUNNING");
    }
    expect(continuations).toBeGreaterThanOrEqual(2);
    for (const j of g.jobs) if (g.id(j) && !existsSync(join(g.ws, j.dir, `${j.name}.done`))) seen.set(j.key, (seen.get(j.key) ?? 0) + 1);
    expect(seen.size).toBe(13);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it("the driver runs from a copy started in the experiment folder (as a continuation job runs it)", () => {
    const g = new Grid(", max_submit: 3");
    const copy = join(scratch(), "spool.sh");
    copyFileSync(join(g.ws, "experiments/grid/submit-slurm.sh"), copy);
    const r = g.run(["--continue"], { script: copy, cwd: join(g.ws, "experiments/grid") });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("continuing in job");
    expect(g.submissions().length).toBe(2);
  });

  it("counts what the user already has queued: a full queue submits nothing but a delayed continuation", () => {
    const g = new Grid(", max_submit: 3");
    mkdirSync(join(g.fake.state, "jobs"), { recursive: true });
    for (const id of ["7", "8", "9"]) writeFileSync(join(g.fake.state, "jobs", id), "RUNNING|None|other\n");
    const r = g.run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("limit: alice has 3 jobs queued or running, at most 3: 0 may be submitted now");
    const calls = g.submissions();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain("--begin=now+60");
  });
});
