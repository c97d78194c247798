/**
 * The local runner, hardened: capacity, exclusion between runners, crash safety under SIGKILL,
 * Ctrl-C, time limits, retries, fail-fast, GPUs. Real processes, real signals.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { CLI, cli, fixture, tmp, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-runner-");

interface JobSpec {
  label: string;
  script: string;
  requirements?: string;
  after?: string[];
  flaky?: boolean;
}

const LOCAL4 = fixture("launchers/local4");
/** The shared log, relative to each job's folder: the workspace root's run.log. */
const LOG = "../../../run.log";

/** Writes an experiment YAML for the runner fixture and prepares it; returns the workspace. */
function prepare(jobs: JobSpec[], opts: { copies?: number; config?: string } = {}): string {
  const dir = scratch();
  const yaml = join(dir, "xp.yaml");
  writeFileSync(yaml, stringify({ id: "runner", file: fixture("projects/runner/experiment.ts"), log: LOG, copies: opts.copies ?? 1, jobs }));
  const ws = join(dir, "ws");
  const r = cli(["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws], { env: { XPM_CONFIG_DIR: opts.config ?? LOCAL4 } });
  if (r.status !== 0) throw new Error(r.stderr);
  return ws;
}

function runSync(ws: string, extra: string[] = [], config = LOCAL4) {
  return cli(["run", ws, "runner", ...extra], { env: { XPM_CONFIG_DIR: config } });
}

function startRun(ws: string, extra: string[] = []) {
  return spawn(process.execPath, [CLI, "run", ws, "runner", ...extra], { env: { ...process.env, XPM_CONFIG_DIR: LOCAL4 }, stdio: ["ignore", "pipe", "pipe"] });
}

function logLines(ws: string): string[] {
  return existsSync(join(ws, "run.log")) ? readFileSync(join(ws, "run.log"), "utf8").trim().split("\n").filter(Boolean) : [];
}

function jobDirs(ws: string, task = "runner.job"): string[] {
  const base = join(ws, "jobs", task);
  return existsSync(base) ? readdirSync(base).map((h) => join(base, h)) : [];
}

function marker(dir: string, name: string): { reason: string; code: number } | "done" | undefined {
  if (existsSync(join(dir, `${name}.done`))) return "done";
  return existsSync(join(dir, `${name}.failed`)) ? JSON.parse(readFileSync(join(dir, `${name}.failed`), "utf8")) : undefined;
}

const labelOf = (dir: string): string => JSON.parse(readFileSync(join(dir, "params.json"), "utf8")).params.label;
const byLabel = (ws: string, label: string, task = "runner.job") => jobDirs(ws, task).find((d) => labelOf(d) === label)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const APPEND = 'echo "$1" >> "$2"; sleep 0.1';
const CHAIN: JobSpec[] = [
  { label: "a", script: APPEND },
  { label: "b", script: APPEND, after: ["a"] },
  { label: "c", script: APPEND, after: ["b"] },
];

describe("crash safety and exclusion", () => {
  it("killed with SIGKILL at random points (20 trials, 30 jobs), a restarted runner finishes the plan and no job runs twice", async () => {
    const base = prepare(CHAIN, { copies: 10 });
    for (let trial = 0; trial < 20; trial++) {
      const ws = join(scratch(), "ws");
      cpSync(base, ws, { recursive: true });
      const runner = startRun(ws);
      const exited = new Promise((r) => runner.on("exit", r));
      await sleep(800 + Math.random() * 2200);
      runner.kill("SIGKILL");
      await exited;
      const second = runSync(ws);
      expect(second.status, `trial ${trial}: ${second.stdout}${second.stderr}`).toBe(0);
      const lines = logLines(ws);
      expect(lines.length, `trial ${trial}`).toBe(30);
      expect(new Set(lines).size, `trial ${trial}`).toBe(30);
      expect(jobDirs(ws).filter((d) => marker(d, "job") === "done")).toHaveLength(30);
    }
  }, 600_000);

  it("two runners started at once on the same plan: every job runs exactly once", async () => {
    const ws = prepare(CHAIN, { copies: 10 });
    const a = startRun(ws);
    const b = startRun(ws);
    const codes = await Promise.all([a, b].map((p) => new Promise<number | null>((r) => p.on("exit", r))));
    expect(codes).toEqual([0, 0]);
    const lines = logLines(ws);
    expect(lines).toHaveLength(30);
    expect(new Set(lines).size).toBe(30);
  }, 180_000);
});

describe("the bash slots that start the jobs", () => {
  /** The runner's slots: bash processes whose command line is the slot loop, children of `runner`. */
  const slotsOf = (runner: number) =>
    spawnSync("pgrep", ["-P", String(runner), "-f", "read -r -d"], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);

  it("a few slots start every job: 30 jobs, two at a time, never more than two slots", async () => {
    const ws = prepare(CHAIN, { copies: 10 });
    const runner = startRun(ws, ["-j", "2"]);
    const exited = new Promise<number | null>((r) => runner.on("exit", r));
    let peak = 0;
    const seen = new Set<string>();
    for (let done = false; !done; ) {
      done = await Promise.race([exited.then(() => true), sleep(50).then(() => false)]);
      const now = slotsOf(runner.pid!);
      for (const pid of now) seen.add(pid);
      peak = Math.max(peak, now.length);
    }
    expect(await exited).toBe(0);
    expect(logLines(ws)).toHaveLength(30);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(seen.size).toBeLessThanOrEqual(2);
  }, 120_000);

  it("a slot killed while its job runs: the job runs on, held through its lock, and ends done", async () => {
    const ws = prepare([{ label: "long", script: 'sleep 1.5; echo "$1" >> "$2"' }]);
    const runner = startRun(ws);
    const exited = new Promise<number | null>((r) => runner.on("exit", r));
    const dir = byLabel(ws, "long");
    for (let i = 0; i < 200 && !existsSync(join(dir, "job.pid")); i++) await sleep(25);
    const slots = slotsOf(runner.pid!);
    expect(slots).toHaveLength(1);
    process.kill(Number(slots[0]), "SIGKILL");
    expect(await exited).toBe(0);
    expect(marker(dir, "job")).toBe("done");
    expect(logLines(ws)).toEqual(["long"]);
  }, 60_000);
});

describe("capacity", () => {
  it("jobs asking 1, 2 and 4 cores on a 4-core budget never exceed it", () => {
    const jobs: JobSpec[] = [1, 2, 4, 1, 2, 4, 1, 1, 2].map((cores, i) => ({
      label: `j${i}`,
      requirements: `cpu(cores=${cores})`,
      script: `echo "start ${cores} $(date +%s%N)" >> "$2"; sleep 0.3; echo "end ${cores} $(date +%s%N)" >> "$2"`,
    }));
    const ws = prepare(jobs);
    expect(runSync(ws).status).toBe(0);
    const events = logLines(ws)
      .map((l) => l.split(" "))
      .map(([kind, cores, t]) => ({ delta: (kind === "start" ? 1 : -1) * Number(cores), t: BigInt(t!) }))
      .sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : x.delta - y.delta));
    let used = 0;
    let peak = 0;
    for (const e of events) {
      used += e.delta;
      peak = Math.max(peak, used);
    }
    expect(events).toHaveLength(18);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThanOrEqual(3);
  });

  it("a job larger than the machine is refused before anything starts, naming the shortfall", () => {
    const ws = prepare([{ label: "small", script: APPEND }, { label: "big", script: APPEND, requirements: "cpu(cores=64)" }], { config: fixture("launchers/local64") });
    const r = runSync(ws);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error XPM603: runner\.Job\/\w{8} cannot run on this machine: asks 64 cores, the machine offers 4/);
    expect(logLines(ws)).toEqual([]);
  });

  it("GPU jobs get CUDA_VISIBLE_DEVICES set to the devices they hold", () => {
    const gpu = (label: string) => ({ label, requirements: "cuda()", script: 'echo "$1 $CUDA_VISIBLE_DEVICES" >> "$2"; sleep 0.5' });
    const ws = prepare([gpu("g1"), gpu("g2"), { label: "cpu", script: 'echo "$1 ${CUDA_VISIBLE_DEVICES:-none}" >> "$2"' }]);
    expect(runSync(ws).status).toBe(0);
    const seen = Object.fromEntries(logLines(ws).map((l) => l.split(" ")));
    expect([seen.g1, seen.g2].sort()).toEqual(["0", "1"]);
    expect(seen.cpu).toBe("none");
  });
});

describe("time limits, retries, failures", () => {
  it("a job past its duration gets .failed reason timeout", () => {
    const ws = prepare([{ label: "slow", script: "sleep 30", requirements: "duration=1s" }]);
    const started = Date.now();
    const r = runSync(ws);
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(marker(byLabel(ws, "slow"), "job")).toEqual({ code: 143, reason: "timeout" });
    expect(r.stdout).toContain("failed (timeout, exit 143)");
  });

  it("maxRetries reruns a failing job and keeps each attempt's logs, numbered", () => {
    const script = 'n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > count; echo "attempt $n" >&2; [ "$n" -ge 3 ]';
    const ws = prepare([{ label: "flaky", script, flaky: true }]);
    const r = runSync(ws);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("retry    runner.Flaky/");
    const dir = byLabel(ws, "flaky", "runner.flaky");
    expect(marker(dir, "flaky")).toBe("done");
    expect(readFileSync(join(dir, "flaky.err.1"), "utf8")).toBe("attempt 1\n");
    expect(readFileSync(join(dir, "flaky.err.2"), "utf8")).toBe("attempt 2\n");
    expect(readFileSync(join(dir, "flaky.err"), "utf8")).toBe("attempt 3\n");
  });

  it("a retry after a timeout gets the longer limit (duration x retryDurationFactor)", () => {
    const ws = prepare([{ label: "slowish", script: "sleep 2", requirements: "duration=1s", flaky: true }]);
    const r = runSync(ws);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("attempt 2 of 3 after timeout");
    expect(marker(byLabel(ws, "slowish", "runner.flaky"), "flaky")).toBe("done");
  });

  it("--keep-going (default) runs independent branches; --fail-fast stops starting jobs; the summary shows stderr", () => {
    const jobs: JobSpec[] = [
      { label: "bad", script: 'echo "the data folder is missing" >&2; exit 4' },
      { label: "b", script: 'sleep 1; echo "$1" >> "$2"' },
      { label: "c", script: 'echo "$1" >> "$2"', after: ["b"] },
      { label: "after-bad", script: 'echo "$1" >> "$2"', after: ["bad"] },
    ];
    const keep = prepare(jobs);
    const r = runSync(keep, ["-j", "2"]);
    expect(r.status).toBe(1);
    expect(logLines(keep).sort()).toEqual(["b", "c"]);
    expect(marker(byLabel(keep, "after-bad"), "job")).toEqual({ code: 1, reason: "dependency" });
    expect(r.stdout).toContain("4 jobs: 0 already done, 2 ran, 1 failed, 1 blocked by a failed dependency");
    expect(r.stdout).toMatch(/failed \(failed, exit 4\): runner\.job\/\w+ — stderr: \S+job\.err\n {4}\| the data folder is missing/);

    const fast = prepare(jobs);
    const f = runSync(fast, ["-j", "2", "--fail-fast"]);
    expect(f.status).toBe(1);
    expect(logLines(fast)).toEqual(["b"]);
    expect(f.stdout).toContain("1 not run");
  });
});

describe("Ctrl-C", () => {
  it("stops starting jobs, cancels running ones (marked cancelled), exits 130, and a re-run finishes", async () => {
    const jobs: JobSpec[] = [
      ...["s1", "s2", "s3", "s4"].map((label) => ({ label, script: `echo "$1" >> "$2"; sleep 30.${process.pid}` })),
      { label: "later", script: 'echo "$1" >> "$2"', after: ["s1"] },
    ];
    const ws = prepare(jobs);
    const runner = startRun(ws);
    const exited = new Promise<number | null>((r) => runner.on("exit", (code) => r(code)));
    for (let i = 0; i < 100 && logLines(ws).length < 4; i++) await sleep(100);
    expect(logLines(ws)).toHaveLength(4);
    runner.kill("SIGINT");
    expect(await exited).toBe(130);
    for (const l of ["s1", "s2", "s3", "s4"]) expect(marker(byLabel(ws, l), "job")).toEqual({ code: 143, reason: "cancelled" });
    expect(marker(byLabel(ws, "later"), "job")).toBeUndefined();
    // (This run's sleeps only: the pid in their duration keeps other test runs out.)
    expect(spawnSync("pgrep", ["-f", `sleep 30.${process.pid}`]).stdout.toString().trim()).toBe("");
  });
});

describe("progress", () => {
  it("on a terminal: a live view redrawn in place (counts, running jobs named, elapsed, ETA); piped: one line per state change", () => {
    const jobs: JobSpec[] = ["p1", "p2", "p3"].map((label) => ({ label, script: "sleep 0.3" }));
    const ws = prepare(jobs);
    // util-linux script(1) gives the runner a real pseudo-terminal.
    const command = [process.execPath, CLI, "run", ws, "runner"].map((w) => `'${w}'`).join(" ");
    const tty = spawnSync("script", ["-qefc", command, "/dev/null"], { encoding: "utf8", env: { ...process.env, CI: "", XPM_CONFIG_DIR: LOCAL4 } });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/run — 3 jobs — \d+:\d\d/);
    expect(tty.stdout).toMatch(/running \(\d\)\r?\n {2}runner\.Job\/[0-9a-f]{8} /);
    expect(tty.stdout).toMatch(/(done \d · )?running \d( · queued \d)?/);
    expect(tty.stdout).toMatch(/ETA \d+:\d\d/);
    expect(tty.stdout).toMatch(/\x1b\[\d+F\x1b\[J/);
    expect(tty.stdout).not.toContain("started  runner.Job");

    const piped = prepare(jobs);
    const r = runSync(piped);
    expect(r.stdout.split("\n").filter((l) => / started {2}runner\.Job\//.test(l))).toHaveLength(3);
    expect(r.stdout.split("\n").filter((l) => / done {5}runner\.Job\//.test(l))).toHaveLength(3);
    expect(r.stdout).not.toContain("\x1b[K");
  });
});

