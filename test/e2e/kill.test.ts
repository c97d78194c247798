/**
 * `jobs kill --perform` on a running local job, started by the runner (`run-experiment`) and by
 * the bash-only driver (`run-local.sh`): the job ends `.failed` with reason `cancelled`, its
 * dependents are blocked, and the driver that ran it goes on and ends with a failure status.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, fixture, scratchFolders } from "../helpers.ts";
import { inProcess, listJobs, until, type ListedJob } from "./inspect-helpers.ts";

const scratch = scratchFolders("xpm-kill-");
const PROJECT = fixture("projects/inspect/normal");

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));
}

/** Waits until the Sleep job runs its command (its stdout says so), and returns the listing then. */
async function sleepRunning(ws: string): Promise<ListedJob[]> {
  let jobs: ListedJob[] = [];
  await until(
    async () => {
      jobs = await listJobs(ws);
      const sleep = jobs.find((j) => j.task === "inspect.Sleep");
      if (sleep?.state !== "running") return false;
      const out = jobFile(sleep.path, ".out");
      return out !== undefined && readFileSync(out, "utf8").includes("started");
    },
    60_000,
    "the Sleep job to run",
  );
  return jobs;
}

/** Kills the running job and checks what it and its dependents become. */
async function killAndCheck(ws: string, driver: ChildProcess, dependentMarkers: (string | undefined)[]): Promise<void> {
  const before = await sleepRunning(ws);
  expect(before.filter((j) => j.task === "inspect.After").map((j) => j.state)).toEqual(["todo", "todo"]);
  const dry = await inProcess(["jobs", "kill", "--workdir", ws, "--filter", '@state = "RUNNING"']);
  expect(dry.status).toBe(0);
  expect(dry.stdout).toMatch(/^would kill +running +inspect\.Sleep\/[0-9a-f]{8} +\(its process\)$/m);
  expect((await listJobs(ws)).find((j) => j.task === "inspect.Sleep")!.state).toBe("running");

  const t0 = Date.now();
  const kill = await inProcess(["jobs", "kill", "--workdir", ws, "--filter", '@name = "inspect.Sleep"', "--perform"]);
  expect(kill.stderr).toBe("");
  expect(kill.stdout).toMatch(/^killed +inspect\.Sleep\/[0-9a-f]{8} +SIGTERM to pid \d+(, \d+)*$/m);
  expect(kill.status).toBe(0);
  expect(Date.now() - t0).toBeLessThan(8_000); // the job's trap answered: no SIGKILL after the grace period

  expect(await exited(driver)).toBe(1);
  const after = await listJobs(ws);
  const sleep = after.find((j) => j.task === "inspect.Sleep")!;
  expect(sleep).toMatchObject({ state: "failed", detail: "cancelled" });
  expect(JSON.parse(readFileSync(jobFile(sleep.path, ".failed")!, "utf8"))).toEqual({ code: 143, reason: "cancelled" });
  const dependents = after.filter((j) => j.task === "inspect.After");
  expect(dependents.map((j) => j.state)).toEqual(["blocked", "blocked"]);
  expect(dependents.map((j) => j.detail)).toContain(sleep.job);
  const reasons = dependents.map((j) => jobFile(j.path, ".failed")).map((f) => (f ? JSON.parse(readFileSync(f, "utf8")).reason : undefined));
  expect(reasons).toEqual(dependentMarkers);
  expect((await inProcess(["jobs", "kill", "--workdir", ws, "--perform"])).stdout).toBe("no running or queued job matches\n");
}

/** A job's file by its extension (its stem's case follows the task id's last component). */
function jobFile(dir: string, ext: string): string | undefined {
  const name = readdirSync(dir).find((f) => f.endsWith(ext) && !f.endsWith(`${ext}.tmp`));
  return name === undefined ? undefined : join(dir, name);
}

describe("jobs kill --perform on a running local job", () => {
  it("under the runner: .failed cancelled, dependents blocked, the runner exits 1", async () => {
    const ws = scratch();
    const runner = spawn(process.execPath, [CLI, "run-experiment", PROJECT, "--workdir", ws], { stdio: "ignore" });
    started.push(runner);
    // After a cancellation the runner does not start the dependents, nor mark them: blocked by the cancelled job.
    await killAndCheck(ws, runner, [undefined, undefined]);
  }, 120_000);

  it("under run-local.sh: .failed cancelled, dependents blocked (marked `dependency`), the driver exits 1", async () => {
    const ws = scratch();
    expect((await inProcess(["run-experiment", PROJECT, "--workdir", ws, "--run-mode", "prepare"])).status).toBe(0);
    const driver = spawn("bash", [join(ws, "experiments/inspect/run-local.sh")], { stdio: "ignore" });
    started.push(driver);
    // The driver goes on: each dependent's script finds its parent not done and marks itself.
    await killAndCheck(ws, driver, ["dependency", "dependency"]);
  }, 120_000);
});
