/**
 * Arrays and site limits on the real single-node SLURM (scripts/cluster/slurm-up.sh: MaxArraySize=100,
 * QoS xpm-small with MaxSubmitJobsPerUser=50), with the launchers of
 * test/fixtures/launchers/slurm-arrays (qos xpm-small, max_array_size 100, max_submit 50): a
 * 1,000-job grid submitted by one driver call and drained by continuation jobs, and a failed
 * element in the middle of an array. Run with `npm run test:slurm`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, tmp } from "../helpers.ts";
import { driver, prepare, schedulerOrSkip, waitUntil } from "./cluster.ts";
import { status } from "./scenarios.ts";

const reason = schedulerOrSkip("slurm", "SLURM");

/** How many times each label ran (`train 3`), from the fixture's log. */
function runs(log: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of readFileSync(log, "utf8").split("\n").filter(Boolean)) out.set(l, (out.get(l) ?? 0) + 1);
  return out;
}

/** How many jobs of the fixture are done (their markers: cheaper than a status every second). */
function doneCount(ws: string): number {
  let n = 0;
  for (const task of ["train", "evaluate"]) {
    const at = join(ws, "jobs", `arrays.${task}`);
    if (existsSync(at)) for (const h of readdirSync(at)) if (existsSync(join(at, h, `${task}.done`))) n++;
  }
  return n;
}

/** SLURM's records of jobs by name: id, state. */
function records(name: string): string[][] {
  const r = spawnSync("squeue", ["-h", "-t", "all", "-n", name, "-o", "%i|%T"], { encoding: "utf8" });
  return r.stdout.trim().split("\n").filter(Boolean).map((l) => l.split("|"));
}

describe.skipIf(reason !== undefined)("SLURM arrays", () => {
  it("a failed element in the middle of an array: its correlated child never runs; a re-run resubmits that element and its child only", async () => {
    const dir = tmp("xpm-slurm-arrays-fail-");
    const ws = join(dir, "ws");
    const log = join(dir, "runs.log");
    writeFileSync(log, "");
    prepare(ws, fixture("projects/arrays/normal"), "slurm-arrays", ["-c", "n=10", "-c", "fail=[5]", "-c", `log=${log}`]);
    const first = driver(join(ws, "experiments/arrays/submit-slurm.sh"));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("20 jobs: 20 submitted");
    expect(first.stdout.match(/^submitted  array /gm)).toHaveLength(2);
    // The arrays run in the QoS that limits a user to 50 jobs (scripts/cluster/slurm-up.sh).
    const arrayId = /^submitted  array ([0-9]+)/m.exec(first.stdout)![1]!;
    expect(new Set(spawnSync("squeue", ["-h", "-t", "all", "-r", "-j", arrayId, "-o", "%q"], { encoding: "utf8" }).stdout.trim().split("\n"))).toEqual(new Set(["xpm-small"]));
    await waitUntil("the arrays to end, element 5 failed", () => {
      const s = status(ws, "arrays");
      return s.filter((r) => r.state === "done").length === 18 && s.filter((r) => r.state !== "done").every((r) => r.state === "failed" || r.state === "blocked");
    });
    expect(runs(log).get("train 5")).toBe(1);
    expect(runs(log).has("evaluate 5")).toBe(false);
    expect([...runs(log).values()].every((n) => n === 1)).toBe(true);
    // Fixed (fail is a meta param: same identifiers), run again: element 5 of both arrays only.
    prepare(ws, fixture("projects/arrays/normal"), "slurm-arrays", ["-c", "n=10", "-c", `log=${log}`]);
    const again = driver(join(ws, "experiments/arrays/submit-slurm.sh"));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain("20 jobs: 2 submitted, 0 already queued or running, 18 done");
    // Element k of each array is its k-th job in the list (by identifier, not by seed): the same k in both.
    const train = /submitted  array ([0-9]+): 1 jobs of train-array-\w+, elements ([0-9]) from line 1$/m.exec(again.stdout);
    expect(train, again.stdout).not.toBeNull();
    expect(again.stdout).toMatch(new RegExp(`submitted  array [0-9]+: 1 jobs of evaluate-array-\\w+, elements ${train![2]} from line 1, --dependency=aftercorr:${train![1]}$`, "m"));
    await waitUntil("the re-run to finish", () => status(ws, "arrays").every((r) => r.state === "done"));
    expect(runs(log).get("train 5")).toBe(2);
    expect(runs(log).get("evaluate 5")).toBe(1);
    expect([...runs(log)].filter(([l]) => l !== "train 5").every(([, n]) => n === 1)).toBe(true);
  }, 600_000);

  it("1,000 jobs (500 train -> 500 evaluate) within max_array_size 100 and max_submit 50: one driver call returns at once, continuation jobs drain the rest", async () => {
    const dir = tmp("xpm-slurm-arrays-big-");
    const ws = join(dir, "ws");
    const log = join(dir, "runs.log");
    writeFileSync(log, "");
    prepare(ws, fixture("projects/arrays/normal"), "slurm-arrays", ["-c", "n=500", "-c", `log=${log}`]);
    const start = Date.now();
    const r = driver(join(ws, "experiments/arrays/submit-slurm.sh"));
    const seconds = (Date.now() - start) / 1000;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^continuing in job [0-9]+: [0-9]+ jobs wait for the next wave/m);
    // At most 49 jobs in this wave (one place for the continuation), in arrays of at most 100.
    expect(Number(/1000 jobs: ([0-9]+) submitted/.exec(r.stdout)![1])).toBeLessThanOrEqual(49);
    expect(seconds).toBeLessThan(30);
    await waitUntil("the 1,000 jobs to be done", () => doneCount(ws) === 1000, 1_500_000);
    expect(status(ws, "arrays").every((s) => s.state === "done")).toBe(true);
    const ran = runs(log);
    expect(ran.size).toBe(1000);
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
    // The continuation jobs: each ran the driver once, none was refused, all completed.
    const contLog = readFileSync(join(ws, "experiments/arrays/submit-slurm.log"), "utf8");
    expect(contLog).not.toMatch(/^error:/m);
    const conts = records("xpm-continue-submit-slurm").filter(([id]) => contLog.includes(` ${id}:`) || r.stdout.includes(` ${id}:`));
    expect(conts.length).toBeGreaterThanOrEqual(10);
    expect(conts.every(([, state]) => state === "COMPLETED")).toBe(true);
    expect(existsSync(join(ws, "experiments/arrays/continuation.slurm-id"))).toBe(true);
    process.stdout.write(`1,000 jobs: the driver returned in ${seconds.toFixed(1)} s; ${conts.length} continuation jobs: ${conts.map(([id, s]) => `${id} ${s}`).join(", ")}\n`);
  }, 1_600_000);
});
