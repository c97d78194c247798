/**
 * Reading a workspace back, for real: `jobs list` (filters, --tags, --json, --count), `jobs
 * log/path/kill`, `experiments list` and `jobs clean` over a run of the example with one failing
 * job, in a workspace that also holds Python experimaestro's own jobs (built from
 * test/fixtures/xpm-workspace/, what experimaestro 2.7.0b2 leaves); bad input gets coded errors.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, scratchFolders } from "../helpers.ts";
import { addExperimaestroRuns, inProcess, listJobs, treeDigest, until, type ListedJob } from "./inspect-helpers.ts";

const scratch = scratchFolders("xpm-jobs-");

const summary = (jobs: ListedJob[]) =>
  jobs.map((j) => `${j.task} ${j.state}${j.detail && j.state === "failed" ? `:${j.detail}` : ""} ${JSON.stringify(j.tags)} [${j.experiments.join(",")}]`).sort();
const names = (jobs: ListedJob[]) => summary(jobs).map((l) => l.split(" {")[0]);

/** A job experimaestro is running: its folder, no end marker, and its lock held by another process. */
const RUNNING = "a".repeat(64);
let lockHolder: ChildProcess | undefined;
// flock and its sleep in a group of their own, killed together.
afterAll(() => void (lockHolder?.pid && process.kill(-lockHolder.pid, "SIGKILL")));

async function addRunningExperimaestroJob(ws: string): Promise<void> {
  const learn = join(ws, "jobs/compat.tasks.learn/18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba");
  const dir = join(ws, "jobs/compat.tasks.learn", RUNNING);
  mkdirSync(dir, { recursive: true });
  for (const f of ["learn.py", "params.json"]) cpSync(join(learn, f), join(dir, f));
  writeFileSync(join(dir, "learn.err"), "INFO: learning\n");
  const lock = join(dir, "learn.lock");
  lockHolder = spawn("flock", [lock, "sleep", "600"], { stdio: "ignore", detached: true });
  await until(() => existsSync(lock) && spawnSync("flock", ["-n", lock, "true"]).status !== 0, 10_000, "the lock holder");
}

describe("jobs list over the example with a failing job and experimaestro's own jobs", () => {
  let ws = "";
  let all: ListedJob[] = [];
  const grid = () => all.filter((j) => j.experiments.includes("grid"));
  beforeAll(async () => {
    ws = scratch();
    // lr=5 diverges: its Evaluate fails (exit 3), the Report is blocked.
    const run = cli(["run-experiment", "examples/grid/normal", "--workdir", ws, "-c", "lrs=[0.1, 5]", "-c", "seeds=[1]"]);
    expect(run.status).toBe(1);
    const prepared = await inProcess(["run-experiment", "examples/grid/normal", "--workdir", ws, "-c", "id=grid-more", "-c", "seeds=[7]", "--run-mode", "prepare"]);
    expect(prepared.status).toBe(0);
    addExperimaestroRuns(ws);
    await addRunningExperimaestroJob(ws);
    all = await listJobs(ws);
  }, 120_000);

  it("lists every job once, with its state, experiments and tags", () => {
    expect(new Set(all.map((j) => j.identifier)).size).toBe(all.length);
    expect(all).toHaveLength(5 + 7 + 5);
    expect(summary(grid())).toEqual([
      'grid.Evaluate done {"lr":0.1,"seed":1} [grid]',
      'grid.Evaluate failed:failed {"lr":5,"seed":1} [grid]',
      // Report gets the tags its evaluations agree on (seed 1), not lr (0.1 and 5).
      'grid.Report blocked {"seed":1} [grid]',
      'grid.Train done {"lr":0.1,"seed":1} [grid]',
      'grid.Train done {"lr":5,"seed":1} [grid]',
    ]);
    const failed = grid().find((j) => j.state === "failed")!;
    expect(grid().find((j) => j.state === "blocked")!.detail).toBe(failed.job);
    const more = all.filter((j) => j.experiments.includes("grid-more"));
    expect(more.map((j) => j.state)).toEqual(Array(7).fill("todo"));
    expect(summary(all.filter((j) => j.tool === "experimaestro"))).toEqual([
      "compat.tasks.Evaluate done {} [compat-demo]",
      "compat.tasks.ExitCode failed:failed {} [compat-fail]",
      "compat.tasks.Explode failed:failed {} [compat-fail]",
      "compat.tasks.Learn done {} [compat-demo]",
      "compat.tasks.Learn running {} []",
    ]);
    expect(grid().every((j) => j.launcher === "local" && j.tool === "experimaestro-ts" && j.path === join(ws, "jobs", j.key))).toBe(true);
    const times = all.map((j) => Date.parse(j.time!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("prints one aligned line per job; --tags adds the tags, --fullpath the folder", async () => {
    const r = cli(["jobs", "list", "--workdir", ws, "--tags"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^state +job +experiments +launcher +scheduler id +age +tags$/);
    expect(lines).toHaveLength(1 + all.length);
    expect(lines.find((l) => l.startsWith("failed (failed)") && l.includes("grid.Evaluate/"))).toMatch(/^failed \(failed\) +grid\.Evaluate\/[0-9a-f]{8} +\[grid\] +local +- +\d+[smhd] +lr=5 seed=1$/);
    expect(lines.find((l) => l.includes("grid.Report/") && l.includes("[grid]"))).toMatch(/^blocked \(by grid\.Evaluate\/[0-9a-f]{8}\) +grid\.Report\//);
    expect(lines.find((l) => l.includes("compat.tasks.Explode/"))).toMatch(/^failed \(failed\) +compat\.tasks\.Explode\/18a69442 +\[compat-fail\] +\(experimaestro\)/);
    const plain = (await inProcess(["jobs", "list", "--workdir", ws])).stdout;
    expect(plain.split("\n")[0]).toMatch(/ age$/);
    expect(plain).not.toContain("lr=5");
    const full = (await inProcess(["jobs", "list", "--workdir", ws, "--fullpath"])).stdout;
    expect(full).toContain(join(ws, "jobs/compat.tasks.explode/18a69442d453370f779ae66b4dc103cd26b0bb2026e613a6550fd2ca663a1943"));
  });

  it("filters by state (experimaestro's names and ours), name, tags, parameters and experiment", async () => {
    const filtered = async (...args: string[]) => names(await listJobs(ws, ...args));
    expect(await filtered("--filter", '@state = "ERROR"')).toEqual(["compat.tasks.ExitCode failed:failed", "compat.tasks.Explode failed:failed", "grid.Evaluate failed:failed", "grid.Report blocked"]);
    expect(await filtered("--filter", '@state = "blocked"')).toEqual(["grid.Report blocked"]);
    expect(await filtered("--filter", '@state = "failed:failed"', "--experiment", "grid")).toEqual(["grid.Evaluate failed:failed"]);
    expect(await filtered("--filter", '@state = "RUNNING"')).toEqual(["compat.tasks.Learn running"]);
    expect(await filtered("--filter", '@state = "UNSCHEDULED"')).toHaveLength(7);
    expect(await filtered("--filter", '@state = "DONE" and lr = 0.1 and seed = 1')).toEqual(["grid.Evaluate done", "grid.Train done"]);
    expect(await filtered("--filter", 'lr in [5] and not @name ~ ".*Train"')).toEqual(["grid.Evaluate failed:failed"]);
    expect(await filtered("--filter", '@name ~ "compat.tasks.l"')).toEqual(["compat.tasks.Learn done", "compat.tasks.Learn running"]);
    // Parameters: ours, and experimaestro's params.json (sub-configs included).
    expect(await filtered("--filter", "epochs = 200 and samples = 256", "--experiment", "grid")).toEqual(["grid.Train done", "grid.Train done"]);
    expect(await filtered("--filter", "hidden = 16")).toEqual(["compat.tasks.Learn done", "compat.tasks.Learn running"]);
    expect(await filtered("--filter", 'checkpoint.hidden = 16 and metric = "accuracy"')).toEqual(["compat.tasks.Evaluate done"]);
    // Six runs with seed 7, and the Report over them (their common tag).
    expect(await filtered("--filter", "seed = 7", "--experiment", "grid-more")).toHaveLength(7);
    expect(await filtered("--experiment", "compat-fail")).toEqual(["compat.tasks.ExitCode failed:failed", "compat.tasks.Explode failed:failed"]);
  });

  it("--count N keeps the N most recent", async () => {
    const strip = (jobs: ListedJob[]) => jobs.map((j) => j.key);
    expect(strip(await listJobs(ws, "--count", "3"))).toEqual(strip(all).slice(0, 3));
    expect(strip(await listJobs(ws, "-c", "2"))).toEqual(strip(all).slice(0, 2));
  });

  it("experiments list: job counts by state, last prepare and last run", async () => {
    const r = await inProcess(["experiments", "list", "--workdir", ws, "--json"]);
    expect(r.status).toBe(0);
    type Row = { id: string; tool: string; jobs: number; counts: object; lastPrepare: string | null; lastRun: string | null; hostname: string | null };
    const rows = Object.fromEntries((JSON.parse(r.stdout) as Row[]).map((x) => [x.id, x]));
    expect(Object.keys(rows)).toEqual(["compat-demo", "compat-fail", "grid", "grid-more"]);
    expect(rows.grid).toMatchObject({ tool: "experimaestro-ts", jobs: 5, counts: { done: 3, failed: 1, blocked: 1 } });
    expect(rows["grid-more"]).toMatchObject({ jobs: 7, counts: { todo: 7 }, lastRun: null });
    expect(rows["compat-demo"]).toMatchObject({ tool: "experimaestro", jobs: 2, counts: { done: 2 }, hostname: "vm", lastPrepare: new Date("2026-12-01T19:22:53.752550").toISOString() });
    expect(rows["compat-fail"]).toMatchObject({ jobs: 2, counts: { failed: 2 } });
    expect(Date.parse(rows.grid!.lastRun!)).toBeLessThanOrEqual(Date.parse(rows["grid-more"]!.lastPrepare!));
    const text = (await inProcess(["experiments", "list", "--workdir", ws])).stdout;
    expect(text).toMatch(/^grid +3\/5 done +3 done, 1 failed, 1 blocked +\d{4}-\d\d-\d\d \d\d:\d\d +\d{4}-/m);
    expect(text).toMatch(/^grid-more +0\/7 done +7 todo +\d{4}-\d\d-\d\d \d\d:\d\d +never$/m);
    expect(text).toMatch(/^compat-demo \[vm\] \(experimaestro\) +2\/2 done/m);
  });

  it("jobs log and jobs path find a job by task/hash, task/prefix or hash prefix", async () => {
    const failed = grid().find((j) => j.state === "failed")!;
    const log = cli(["jobs", "log", "--workdir", ws, failed.job]);
    expect(log.status).toBe(0);
    expect(log.stdout).toBe("the model diverged (lr=5): test MSE Infinity\n");
    expect(cli(["jobs", "log", "--std", "-f", "--workdir", ws, `${failed.task}/${failed.identifier}`])).toMatchObject({ status: 0, stdout: "" });
    for (const id of [failed.identifier.slice(0, 10), `grid.evaluate/${failed.identifier}`, failed.job, failed.path, `jobs/${failed.key}`]) {
      expect((await inProcess(["jobs", "path", "--workdir", ws, id])).stdout).toBe(`${failed.path}\n`);
    }
    expect(cli(["jobs", "log", "--workdir", ws, "compat.tasks.explode/18a69442"]).stdout).toContain("RuntimeError: exploding on purpose: boom");
  });

  it("bad input: coded errors, exit 2, no stack trace", async () => {
    const todo = all.find((j) => j.state === "todo")!;
    const cases: [string[], string, RegExp][] = [
      [["jobs", "path", "--workdir", ws, "grid.Train/ffffffff"], "XPM920", /no job 'grid\.Train\/ffffffff'/],
      [["jobs", "log", "--workdir", ws, "grid.Trian/0"], "XPM920", /did you mean task 'grid\.Train'/],
      [["jobs", "path", "--workdir", ws, "grid.Evaluate/"], "XPM921", /'grid\.Evaluate\/' matches 5 jobs\n(   \| grid\.Evaluate\/[0-9a-f]{64}\n){5}/],
      [["jobs", "list", "--workdir", ws, "--filter", '@state = "DONNE"'], "XPM911", /unknown state "DONNE" \(did you mean "DONE"\?\)/],
      [["jobs", "list", "--workdir", ws, "--filter", "lr = "], "XPM910", /invalid filter at column 6/],
      [["jobs", "clean", "--workdir", ws, "--filter", "(lr = 1"], "XPM910", /expected 'and', 'or' or '\)'/],
      [["jobs", "list", "--workdir", ws, "--experiment", "gird"], "XPM923", /did you mean 'grid'/],
      [["jobs", "list", "--workdir", join(ws, "nope")], "XPM131", /no workspace at/],
      [["jobs", "list", "--workdir", ws, "--perform"], "XPM901", /jobs list does not take --perform/],
      [["jobs", "frobnicate", "--workdir", ws], "XPM901", /unknown jobs command 'frobnicate'/],
      [["jobs", "list", "--workdir", ws, "-c", "x"], "XPM901", /--count expects a number of jobs/],
      [["jobs", "log", "--workdir", ws, todo.job], "XPM922", /has no stderr log yet \(todo\)/],
      [["results", ws, "compat-demo"], "XPM924", /no task of experiment 'compat-demo' declares a result file/],
      [["results", ws, "grid", "--format", "xlsx"], "XPM901", /the formats are markdown, csv, json/],
    ];
    for (const [args, code, message] of cases) {
      const r = await inProcess(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain(`error ${code}:`);
      expect(r.stderr).toMatch(message);
    }
    // As a user runs it: the message and its code on stderr, no stack trace.
    const real = cli(["jobs", "kill", "--workdir", ws, "--filter", "lr = = 1"]);
    expect(real.status).toBe(2);
    expect(real.stderr).toMatch(/^error XPM910: invalid filter at column 6: .*\n {3}\| lr = = 1\n {3}\| {6}\^\n {2}hint: /);
    expect(real.stderr).not.toMatch(/\n\s+at /);
  });

  it("an experiment whose manifest this version cannot read is left out with a warning, and named when asked for", async () => {
    const other = scratch();
    mkdirSync(join(other, "experiments/old"), { recursive: true });
    writeFileSync(join(other, "experiments/old/manifest.json"), '{"schema": "experimaestro-ts/manifest@0", "jobs": []}\n');
    const r = await inProcess(["jobs", "list", "--workdir", other]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("no jobs found\n");
    expect(r.stderr).toMatch(/^warning XPM601: experiment 'old' left out: .*manifest\.json has schema 'experimaestro-ts\/manifest@0'/);
    const asked = await inProcess(["results", other, "old"]);
    expect(asked.status).toBe(2);
    expect(asked.stderr).toMatch(/error XPM601: .*has schema/);
  });

  it("jobs kill without --perform only says what it would do; a job whose process is not here is not killed (exit 1)", async () => {
    const before = treeDigest(ws);
    const dry = await inProcess(["jobs", "kill", "--workdir", ws, "--filter", '@state = "RUNNING"']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^would kill +running +compat\.tasks\.Learn\/aaaaaaaa +\(its process\)$/m);
    expect(dry.stdout).toContain("dry run: nothing was killed");
    expect(treeDigest(ws)).toBe(before);
    expect((await inProcess(["jobs", "kill", "--workdir", ws, "--filter", '@state = "DONE"'])).stdout).toBe("no running or queued job matches\n");
    const r = await inProcess(["jobs", "kill", "--workdir", ws, "--filter", '@state = "RUNNING"', "--perform"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^NOT killed +compat\.tasks\.Learn\/aaaaaaaa +no process found: its lock is held/m);
  });

  it("jobs clean: a dry run changes nothing; --perform deletes exactly what it listed; running and needed jobs are kept", async () => {
    const before = treeDigest(ws);
    const dry = await inProcess(["jobs", "clean", "--workdir", ws, "--filter", '@state = "DONE"']);
    expect(treeDigest(ws)).toBe(before);
    expect(dry.status).toBe(1);
    const listed = (text: string, word: string) => [...text.matchAll(new RegExp(`^${word} +done(?: \\(experimaestro\\))? +(\\S+)$`, "gm"))].map((m) => m[1]).sort();
    const wouldDelete = listed(dry.stdout, "would delete");
    // Train lr=5 is needed by its failed Evaluate, Evaluate lr=0.1 by the blocked Report: kept.
    const expected = [...grid().filter((j) => j.task === "grid.Train" && j.tags.lr === 0.1), ...all.filter((j) => j.tool === "experimaestro" && j.state === "done")];
    expect(wouldDelete).toEqual(expected.map((j) => j.job).sort());
    expect(dry.stdout).toMatch(/^kept +done +grid\.Train\/[0-9a-f]{8}: needed by grid\.Evaluate\/[0-9a-f]{8} \(failed, grid\) \(--force deletes it anyway\)$/m);
    expect(dry.stdout).toMatch(/^kept +done +grid\.Evaluate\/[0-9a-f]{8}: needed by grid\.Report\/[0-9a-f]{8} \(blocked, grid\)/m);

    const running = await inProcess(["jobs", "clean", "--workdir", ws, "--filter", '@state = "RUNNING"', "--perform"]);
    expect(running.status).toBe(1);
    expect(running.stdout).toMatch(/^kept +running +compat\.tasks\.Learn\/aaaaaaaa: running: kill it first/m);
    expect(treeDigest(ws)).toBe(before);

    const r = await inProcess(["jobs", "clean", "--workdir", ws, "--filter", '@state = "DONE"', "--perform"]);
    expect(r.status).toBe(1);
    expect(listed(r.stdout, "deleted")).toEqual(wouldDelete);
    expect(all.filter((j) => !existsSync(j.path)).map((j) => j.job).sort()).toEqual(wouldDelete);
    expect(r.stdout).toContain("prepare grid again");
    // The Train job is still planned by grid (it would run again); experimaestro's are gone.
    const after = await listJobs(ws);
    expect(after.filter((j) => wouldDelete.includes(j.job)).map((j) => `${j.task} ${j.state}`)).toEqual(["grid.Train todo"]);
    expect(after).toHaveLength(all.length - 2);
  });
});
