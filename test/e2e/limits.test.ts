/**
 * Time limits, cancellations and process groups, with the runner and with bash alone
 * (run-local.sh, or a job script run by hand): a job within its limit is never touched, a job
 * over it ends `timeout` at the limit, and a stopped job leaves no process behind, even when
 * its command forks. Each test's sleeps have their own duration, the marker pgrep looks for.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { CLI, cli, fixture, scratchFolders, tree } from "../helpers.ts";

const scratch = scratchFolders("xpm-limits-");
const LOCAL4 = fixture("launchers/local4");

interface JobSpec {
  label: string;
  script: string;
  requirements?: string;
}

function prepare(jobs: JobSpec[], launchers = LOCAL4): string {
  const dir = scratch();
  const yaml = join(dir, "xp.yaml");
  writeFileSync(yaml, stringify({ id: "runner", file: fixture("projects/runner/experiment.ts"), log: "../../../run.log", jobs }));
  const ws = join(dir, "ws");
  const r = cli(["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws], { env: { XPM_CONFIG_DIR: launchers } });
  if (r.status !== 0) throw new Error(r.stderr);
  return ws;
}

function jobDir(ws: string, label: string): string {
  const base = join(ws, "jobs/runner.job");
  const dir = readdirSync(base).find((h) => JSON.parse(readFileSync(join(base, h, "params.json"), "utf8")).params.label === label);
  return join(base, dir!);
}

function marker(dir: string): { reason: string; code: number } | "done" | undefined {
  if (existsSync(join(dir, "job.done"))) return "done";
  return existsSync(join(dir, "job.failed")) ? JSON.parse(readFileSync(join(dir, "job.failed"), "utf8")) : undefined;
}

/** This run's sleeps end in its pid (a fraction of a second more), so parallel runs stay apart. */
const TAG = process.pid;

/** Processes whose command line holds `needle` (pgrep -f), as "pid args" lines. */
function processes(needle: string): string {
  return spawnSync("pgrep", ["-af", needle], { encoding: "utf8" }).stdout.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(100)) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `bash <script>` and resolves with its exit status and the seconds it took. */
function bashRun(script: string): { done: Promise<{ status: number | null; seconds: number }>; pid: number } {
  const started = Date.now();
  const child = spawn("bash", [script], { stdio: "ignore" });
  const done = new Promise<{ status: number | null; seconds: number }>((r) => child.on("exit", (status) => r({ status, seconds: (Date.now() - started) / 1000 })));
  return { done, pid: child.pid! };
}

/** Starts a command (output ignored); resolves with its exit status. */
function spawnAsync(command: string, args: string[], env: Record<string, string> = {}): Promise<number | null> {
  const child = spawn(command, args, { stdio: "ignore", env: { ...process.env, ...env } });
  return new Promise((r) => child.on("exit", (status) => r(status)));
}

describe("time limits with the runner", () => {
  it("a job within its limit completes untouched; a job over it ends timeout at the limit, its forked children gone", () => {
    const ws = prepare([
      { label: "within", script: "trap 'echo TERM >> signalled' TERM; sleep 1.5 & wait", requirements: "duration=4s" },
      { label: "over", script: `bash -c 'sleep 301.1${TAG} & wait'`, requirements: "duration=2s" },
    ]);
    const started = Date.now();
    const r = cli(["run", ws, "runner", "-j", "2"], { env: { XPM_CONFIG_DIR: LOCAL4 } });
    const seconds = (Date.now() - started) / 1000;
    expect(r.status).toBe(1);
    expect(marker(jobDir(ws, "within"))).toBe("done");
    expect(existsSync(join(jobDir(ws, "within"), "signalled"))).toBe(false);
    expect(marker(jobDir(ws, "over"))).toEqual({ code: 143, reason: "timeout" });
    expect(seconds).toBeLessThan(15);
    expect(processes(`sleep 301.1${TAG}`)).toBe("");
    expect(existsSync(join(jobDir(ws, "over"), "job.pid"))).toBe(false);
  });

  it("a command that ignores SIGTERM is killed after the grace period, with its whole group", () => {
    const ws = prepare([{ label: "stubborn", script: `trap '' TERM; sleep 302.2${TAG} & wait`, requirements: "duration=2s" }]);
    const r = cli(["run", ws, "runner"], { env: { XPM_CONFIG_DIR: LOCAL4 } });
    expect(r.status).toBe(1);
    expect(marker(jobDir(ws, "stubborn"))).toEqual({ code: 143, reason: "timeout" });
    expect(processes(`sleep 302.2${TAG}`)).toBe("");
  });

  it("Ctrl-C cancels a forked command's whole process group", async () => {
    const ws = prepare([{ label: "forks", script: `bash -c 'sleep 303.3${TAG} & wait'` }]);
    const runner = spawn(process.execPath, [CLI, "run", ws, "runner"], { env: { ...process.env, XPM_CONFIG_DIR: LOCAL4 }, stdio: "ignore" });
    const exited = new Promise<number | null>((r) => runner.on("exit", r));
    await until("the command to start", () => processes(`sleep 303.3${TAG}`) !== "");
    runner.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(marker(jobDir(ws, "forks"))).toEqual({ code: 143, reason: "cancelled" });
    expect(processes(`sleep 303.3${TAG}`)).toBe("");
  });
});

describe("time limits and signals with bash alone", () => {
  it("run-local.sh: a job within its limit completes; a job over it ends timeout at the limit, leaving no process", () => {
    const ws = prepare([
      { label: "within", script: "sleep 1; echo ok", requirements: "duration=3s" },
      { label: "over", script: `bash -c 'sleep 304.4${TAG} & wait'`, requirements: "duration=2s" },
    ]);
    const started = Date.now();
    const r = spawnSync("bash", [join(ws, "experiments/runner/run-local.sh")], { encoding: "utf8" });
    const seconds = (Date.now() - started) / 1000;
    expect(r.stdout).toContain("2 jobs: 0 already done, 1 ran, 1 failed");
    expect(r.stdout).toContain('{"code": 143, "reason": "timeout"}');
    expect(r.stderr).toBe("");
    expect(marker(jobDir(ws, "within"))).toBe("done");
    expect(marker(jobDir(ws, "over"))).toEqual({ code: 143, reason: "timeout" });
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(10);
    expect(processes(`sleep 304.4${TAG}`)).toBe("");
  });

  it("<name>.pid holds the command's process group while it runs; a kill of that group is a cancellation", async () => {
    const ws = prepare([{ label: "forks", script: `bash -c 'sleep 305.5${TAG} & wait'` }]);
    const dir = jobDir(ws, "forks");
    const job = bashRun(join(dir, "job.sh"));
    await until("the pid file", () => existsSync(join(dir, "job.pid")));
    const pgid = readFileSync(join(dir, "job.pid"), "utf8");
    expect(pgid).toMatch(/^\d+\n$/);
    await until("the command to start", () => processes(`sleep 305.5${TAG}`) !== "");
    // Every process of the command, and only those, is in that group.
    const group = spawnSync("pgrep", ["-g", pgid.trim()], { encoding: "utf8" }).stdout.trim().split("\n");
    expect(group).toHaveLength(2);
    expect(group).not.toContain(String(job.pid));
    process.kill(-Number(pgid), "SIGTERM");
    expect((await job.done).status).toBe(143);
    expect(marker(dir)).toEqual({ code: 143, reason: "cancelled" });
    expect(existsSync(join(dir, "job.pid"))).toBe(false);
    expect(processes(`sleep 305.5${TAG}`)).toBe("");
  });

  it("SIGTERM to the job script cancels it; SIGUSR1 (the early warning) only reaches a command that handles it", async () => {
    const handler = `node -e "const fs = require('fs'); process.on('SIGUSR1', () => fs.writeFileSync('got-usr1', '')); fs.writeFileSync('ready', ''); setTimeout(() => {}, 2500)"`;
    const ws = prepare([
      { label: "cancelled", script: `bash -c 'sleep 306.6${TAG} & wait'` },
      { label: "warned", script: `sleep 2.5 & ${handler} & wait` },
    ]);
    const cancelled = bashRun(join(jobDir(ws, "cancelled"), "job.sh"));
    const warnedDir = jobDir(ws, "warned");
    const warned = bashRun(join(warnedDir, "job.sh"));
    await until("both commands to start", () => processes(`sleep 306.6${TAG}`) !== "" && existsSync(join(warnedDir, "ready")));
    process.kill(cancelled.pid, "SIGTERM");
    process.kill(warned.pid, "SIGUSR1");
    expect((await cancelled.done).status).toBe(143);
    expect(marker(jobDir(ws, "cancelled"))).toEqual({ code: 143, reason: "cancelled" });
    expect(processes(`sleep 306.6${TAG}`)).toBe("");
    // Not stopped by the warning: the plain sleep ran its 2.5 s, the handler got the signal.
    const w = await warned.done;
    expect(w.status).toBe(0);
    expect(w.seconds).toBeGreaterThanOrEqual(2.4);
    expect(marker(warnedDir)).toBe("done");
    expect(existsSync(join(warnedDir, "got-usr1"))).toBe(true);
  });
});

describe("a SIGKILL, which no script can trap (OAR's oardel and walltime, kill -9)", () => {
  it("a scheduler's job script still leaves a marker: its watcher writes it once every process of the job has ended", async () => {
    // An OAR job's script, run by hand (its directives are comments to bash): OAR kills a job's
    // whole tree at once, so its scripts carry the watcher.
    const ws = prepare([{ label: "killed", script: `bash -c 'sleep 307.7${TAG} & wait'`, requirements: "duration=1h" }], fixture("launchers/oar"));
    const dir = jobDir(ws, "killed");
    expect(readFileSync(join(dir, "job.sh"), "utf8")).toContain("xpm_watcher");
    const job = bashRun(join(dir, "job.sh"));
    await until("the command to start", () => processes(`sleep 307.7${TAG}`) !== "" && existsSync(join(dir, "job.pid")));
    const pgid = Number(readFileSync(join(dir, "job.pid"), "utf8"));
    process.kill(job.pid, "SIGKILL");
    await job.done;
    // The command still runs (and holds the job's lock): nothing is marked yet.
    await sleep(1000);
    expect(marker(dir)).toBeUndefined();
    process.kill(-pgid, "SIGKILL");
    await until("the watcher's marker", () => marker(dir) !== undefined);
    expect(marker(dir)).toEqual({ code: 137, reason: "cancelled" });
    expect(readFileSync(join(dir, "job.err"), "utf8")).toMatch(/experimaestro: killed after \d+s, no signal to trap: cancelled\n$/);
    expect(existsSync(join(dir, "job.pid"))).toBe(false);
    expect(processes(`sleep 307.7${TAG}`)).toBe("");
  });

  /** SIGKILL to a running job's script, then to its command's group; the script is the parent of the group's leader. */
  function killJob(dir: string): void {
    const group = Number(readFileSync(join(dir, "job.pid"), "utf8"));
    const script = Number(spawnSync("ps", ["-o", "ppid=", "-p", String(group)], { encoding: "utf8" }).stdout.trim());
    expect(readFileSync(`/proc/${script}/cmdline`, "utf8")).toMatch(/job\.sh\0$/);
    process.kill(script, "SIGKILL");
    process.kill(-group, "SIGKILL");
  }

  it("a local job's script has no watcher: run-local.sh, which waits for it, writes the marker", async () => {
    const ws = prepare([{ label: "killed", script: `sleep 308.8${TAG}` }]);
    const dir = jobDir(ws, "killed");
    expect(readFileSync(join(dir, "job.sh"), "utf8")).not.toContain("xpm_watcher");
    const driver = spawnAsync("bash", [join(ws, "experiments/runner/run-local.sh")]);
    await until("the job to start", () => existsSync(join(dir, "job.pid")) && processes(`sleep 308.8${TAG}`) !== "");
    killJob(dir);
    expect(await driver).toBe(1);
    expect(marker(dir)).toEqual({ code: 137, reason: "cancelled" });
    expect(readFileSync(join(dir, "job.err"), "utf8")).toMatch(/experimaestro: killed, no signal to trap: cancelled\n$/);
  });

  it("…and so does the runner: a job killed from outside ends cancelled, its pid file gone", async () => {
    const ws = prepare([{ label: "killed", script: `sleep 309.9${TAG}` }]);
    const dir = jobDir(ws, "killed");
    const runner = spawnAsync(process.execPath, [CLI, "run", ws, "runner"], { XPM_CONFIG_DIR: LOCAL4 });
    await until("the job to start", () => existsSync(join(dir, "job.pid")) && processes(`sleep 309.9${TAG}`) !== "");
    killJob(dir);
    expect(await runner).toBe(1);
    expect(marker(dir)).toEqual({ code: 137, reason: "cancelled" });
    expect(readFileSync(join(dir, "job.err"), "utf8")).toMatch(/experimaestro: killed, no signal to trap: cancelled\n$/);
    expect(existsSync(join(dir, "job.pid"))).toBe(false);
  });
});

describe("values that no script line may hold raw", () => {
  it("a CR LF value is written as an escape: no emitted script holds a CR or a raw control byte", () => {
    const ws = join(scratch(), "ws");
    expect(cli(["run-experiment", fixture("projects/inject/normal"), "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
    const scripts = [...tree(ws)].filter(([p]) => p.endsWith(".sh"));
    expect(scripts.length).toBeGreaterThan(0);
    for (const [path, bytes] of scripts) expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(bytes.toString("utf8")), path).toBe(false);
    expect(scripts.some(([, b]) => b.toString("utf8").includes("$'CR LF\\r\\nand a lone CR\\r"))).toBe(true);
  });
});
