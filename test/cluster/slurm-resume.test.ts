/**
 * Time-limit continuation on the real single-node SLURM (scripts/cluster/slurm-up.sh; `npm run
 * test:slurm`): a resumable execute task with a one-minute limit and about 150 s of checkpointed
 * work (test/fixtures/projects/resume) gets SLURM's early warning (--signal=B:USR1@30) as
 * ctx.signal, its job submits its own continuation in the same folder and moves the dependent's
 * afterok onto it; the work completes across runs, and the dependent runs once, after it. A
 * dependent submitted by a second driver while the work is in a continuation is chained to the
 * latest run.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { driver, prepare, schedulerOrSkip, waitUntil } from "./cluster.ts";

const reason = schedulerOrSkip("slurm", "SLURM (resumable tasks)");

interface Row {
  task: string;
  state: string;
  detail?: string;
  schedulerId?: string;
}

/** The folder of the job of `task` whose params.json holds `text`. */
const jobDir = (ws: string, task: string, text = "") => {
  const base = join(ws, "jobs", task);
  const dir = readdirSync(base).find((d) => readFileSync(join(base, d, "params.json"), "utf8").includes(text));
  return join(base, dir!);
};

describe.skipIf(reason !== undefined)("resumable tasks on SLURM", () => {
  it("a task needing three time limits' worth of work completes through continuations; its dependent runs once, after it", async () => {
    const ws = tmp("xpm-slurm-resume-");
    prepare(ws, fixture("projects/resume/normal"), "slurm");
    const work = jobDir(ws, "resume.work");
    const report = jobDir(ws, "resume.report", '"first"');
    expect(readFileSync(join(work, "work.sh"), "utf8")).toContain("#SBATCH --signal=B:USR1@30");
    const submitted = driver(join(ws, "experiments/resume/submit-slurm.sh"));
    expect(submitted.stdout).toContain("2 jobs: 2 submitted");
    const firstId = readFileSync(join(work, "work.slurm-id"), "utf8").trim();

    // A dependent submitted by another experiment's driver once the work is in a continuation:
    // the driver chains it to the id the continuation recorded, not to the first one.
    await waitUntil("the first continuation", () => existsSync(join(work, "work.continuation")), 240_000);
    prepare(ws, fixture("projects/resume/late"), "slurm");
    const late = jobDir(ws, "resume.report", '"late"');
    const lateDriver = driver(join(ws, "experiments/resume-late/submit-slurm.sh"));
    expect(lateDriver.stdout).toContain("2 jobs: 1 submitted, 1 already queued or running");
    const after = /submitted {2}jobs\/resume\.report\/[0-9a-f]+ \([0-9]+, after ([0-9]+)\)/.exec(lateDriver.stdout)?.[1];
    expect(after, lateDriver.stdout).toBeDefined();
    expect(after).not.toBe(firstId);

    // While it runs: one row per job, the continued one with its continuation count.
    const details = new Set<string>();
    const statusRows = () => JSON.parse(cli(["status", ws, "resume", "--json"]).stdout) as Row[];
    await waitUntil("the dependent to finish", () => {
      const rows = statusRows();
      expect(rows).toHaveLength(2);
      const w = rows.find((r) => r.task === "resume.Work")!;
      if (w.detail) details.add(w.detail);
      // The dependent never starts before the work is done.
      if (!existsSync(join(work, "work.done"))) expect(existsSync(join(report, "report.txt"))).toBe(false);
      const ended = (d: string) => existsSync(join(d, "report.done")) || existsSync(join(d, "report.failed"));
      return ended(report) && ended(late);
    }, 480_000);

    const err = readFileSync(join(work, "work.err"), "utf8");
    expect(existsSync(join(report, "report.failed")), readFileSync(join(report, "report.err"), "utf8")).toBe(false);
    expect(readFileSync(join(work, "progress.txt"), "utf8")).toBe("30");
    expect(readFileSync(join(work, "work.txt"), "utf8")).toBe("30 steps\n");
    const runs = readFileSync(join(work, "runs.txt"), "utf8").trim().split("\n");
    expect(runs.length, err).toBeGreaterThanOrEqual(3);
    expect(runs[0]).toBe("run from step 0");
    expect(err).toMatch(/continuation 1\/8 submitted as [0-9]+, after this run \([0-9]+\)/);
    expect(err).toMatch(/dependent [0-9]+ \(jobs\/resume\.report\/[0-9a-f]+\/report\.slurm-id\) now waits for [0-9]+/);
    const [run, max, lastId] = readFileSync(join(work, "work.continuation"), "utf8").trim().split(" ");
    expect(Number(run)).toBe(runs.length - 1);
    expect(max).toBe("8");
    expect(readFileSync(join(work, "work.slurm-id"), "utf8").trim()).toBe(lastId);
    expect(lastId).not.toBe(firstId);
    expect([...details].some((d) => /^continuation [1-8]\/8/.test(d)), [...details].join("; ")).toBe(true);
    // The dependent ran once, on the finished work.
    expect(readFileSync(join(report, "report.txt"), "utf8")).toBe("read: 30 steps\n");
    expect(existsSync(join(late, "report.failed")), readFileSync(join(late, "report.err"), "utf8")).toBe(false);
    expect(readFileSync(join(late, "report.txt"), "utf8")).toBe("read: 30 steps\n");
    expect(readFileSync(join(work, "work.dependents"), "utf8")).toContain(`${late.slice(ws.length + 1)}/report.slurm-id`);
    const rows = statusRows();
    expect(rows.map((r) => r.state)).toEqual(["done", "done"]);
    rmSync(ws, { recursive: true, force: true });
  });
});
