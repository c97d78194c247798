/**
 * The emitted submit drivers and status.sh, run by bash against fake schedulers on PATH
 * (fake-schedulers.ts): what a live scheduler cannot be made to do on demand. The same
 * workspaces are read back by `experimaestro status`, which must say what status.sh says.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, scratchFolders } from "../helpers.ts";
import { FakeScheduler } from "./fake-schedulers.ts";

const scratch = scratchFolders("xpm-drivers-");

interface Job {
  dir: string;
  name: string;
  key: string;
}

/** A prepared workspace of the pipeline fixture (a -> b -> c -> g, a -> d) and a fake scheduler. */
class Setup {
  readonly ws: string;
  readonly fake: FakeScheduler;
  readonly jobs: Record<string, Job> = {};

  constructor(readonly kind: "slurm" | "oar" | "pbs", launcher: string, opts: { here?: boolean; under?: string } = {}) {
    const dir = join(scratch(), opts.under ?? "");
    mkdirSync(dir, { recursive: true });
    this.ws = join(dir, "ws");
    this.fake = new FakeScheduler(join(dir, "fake"));
    const config = join(dir, "config");
    mkdirSync(config);
    const here = "  - id: here\n    type: local\n    priority: 0\n";
    writeFileSync(join(config, "launchers.yaml"), `launchers:\n  - id: cluster\n    type: ${kind}\n    priority: 1\n${launcher}${opts.here ? here : ""}`);
    const r = cli(["run-experiment", fixture("projects/pipeline/normal"), "--run-mode", "prepare", "--workdir", this.ws, "--xpm-config-dir", config, "-c", `here=${opts.here ?? false}`]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(this.ws, "experiments/pipeline/manifest.json"), "utf8")) as { jobs: Job[] };
    for (const j of manifest.jobs) this.jobs[JSON.parse(readFileSync(join(this.ws, j.dir, "params.json"), "utf8")).params.label] = j;
  }

  /** Runs the driver (or another script of the experiment) with the fakes first on PATH. */
  run(script = `submit-${this.kind}.sh`, env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync("bash", [join(this.ws, "experiments/pipeline", script)], { encoding: "utf8", env: this.fake.env(env) });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `experimaestro status --json`, with the same fakes. */
  status(): { status: number | null; rows: Record<string, { state: string; detail?: string; schedulerId?: string }> } {
    const r = cli(["status", this.ws, "pipeline", "--json"], { env: this.fake.env() });
    const rows: Record<string, { state: string; detail?: string }> = {};
    const all = JSON.parse(r.stdout) as { key: string; state: string; detail?: string }[];
    for (const [label, j] of Object.entries(this.jobs)) rows[label] = all.find((x) => x.key === j.key)!;
    return { status: r.status, rows };
  }

  /** status.sh's line for each job: the state words, without the scheduler id. */
  statusSh(): Record<string, string> {
    const out = this.run("status.sh").stdout;
    const byDir = new Map(out.trim().split("\n").map((l) => [l.split("  ")[0]!, l.slice(l.indexOf("  ") + 2).replace(/ \[\w+ [^\]]+\]$/, "")]));
    return Object.fromEntries(Object.entries(this.jobs).map(([label, j]) => [label, byDir.get(j.dir)!]));
  }

  /** Runs the driver in the background; resolves with its exit status and output. */
  start(env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn("bash", [join(this.ws, "experiments/pipeline", `submit-${this.kind}.sh`)], { env: this.fake.env(env) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
  }

  /** A job's file, absolute. */
  file(label: string, ext: string): string {
    const j = this.jobs[label]!;
    return join(this.ws, j.dir, `${j.name}.${ext}`);
  }

  id(label: string): string {
    const j = this.jobs[label]!;
    return readFileSync(join(this.ws, j.dir, `${j.name}.${this.kind}-id`), "utf8").trim();
  }

  marker(label: string, ext: "done" | "failed", text = ""): void {
    const j = this.jobs[label]!;
    writeFileSync(join(this.ws, j.dir, `${j.name}.${ext}`), text);
  }

  failed(label: string): string | undefined {
    const j = this.jobs[label]!;
    const f = join(this.ws, j.dir, `${j.name}.failed`);
    return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")).reason : undefined;
  }
}

const SLURM = "    slurm: {partition: debug}\n";
const SLURM_NO_KILL = "    slurm: {partition: debug, kill_on_invalid_dep: false}\n";

describe("submit-slurm.sh against a fake SLURM", () => {
  it("submits in dependency order, chaining each job to its parents' ids", () => {
    const s = new Setup("slurm", SLURM);
    const r = s.run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("5 jobs: 5 submitted, 0 already queued or running, 0 done, 0 waiting for jobs elsewhere, 0 blocked");
    expect(s.fake.deps(s.id("b"))).toEqual([s.id("a")]);
    expect(s.fake.deps(s.id("g"))).toEqual([s.id("c")]);
    expect(s.fake.deps(s.id("d"))).toEqual([s.id("a")]);
    expect(s.fake.submissions("sbatch")[1]).toMatch(new RegExp(`^sbatch --parsable --dependency=afterok:${s.id("a")} --chdir=/\\S+ --output=/\\S+/step\\.out --error=/\\S+/step\\.err \\./step\\.sh$`));
    // Run again: everything is still queued, nothing is submitted twice.
    const again = s.run();
    expect(again.stdout).toContain("5 jobs: 0 submitted, 5 already queued or running, 0 done");
    expect(s.fake.submissions("sbatch")).toHaveLength(5);
    expect(s.fake.calls("squeue")).toHaveLength(1);
  });

  it("D6: a % in the workspace path reaches SLURM doubled in --output/--error (which it expands), as is in --chdir", () => {
    const s = new Setup("slurm", SLURM, { under: "pct%j/x%u" });
    expect(s.run().status).toBe(0);
    const words = s.fake.submissions("sbatch")[0]!.split(" ");
    const dir = join(s.ws, s.jobs.a!.dir);
    expect(words).toContain(`--chdir=${dir}`);
    expect(words).toContain(`--output=${dir.replace(/%/g, "%%")}/step.out`);
    expect(words).toContain(`--error=${dir.replace(/%/g, "%%")}/step.err`);
    expect(dir).toContain("pct%j/x%u");
  });

  it("D14: reads the id from stdout only; a warning on stderr is relayed, never recorded or chained", () => {
    const s = new Setup("slurm", SLURM);
    s.fake.behave("stderr.sbatch", "sbatch: warning: partition debug is draining\n");
    s.fake.behave("cluster", "local");
    const r = s.run();
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("warning: sbatch said, for jobs/");
    expect(r.stderr).toContain("partition debug is draining");
    for (const l of ["a", "b", "c", "d", "g"]) expect(s.id(l)).toMatch(/^\d+$/);
    expect(s.fake.deps(s.id("b"))).toEqual([s.id("a")]);
  });

  it("an output without a valid id stops the run, with what sbatch printed", () => {
    const s = new Setup("slurm", SLURM);
    s.fake.behave("stdout.sbatch", "Submitted batch job 12\n");
    const r = s.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: no job id in what sbatch printed for jobs/pipeline.step/");
    expect(r.stderr).toContain("stdout: Submitted batch job 12");
    expect(s.fake.submissions("sbatch")).toHaveLength(1);
  });

  it("D5: a failing squeue stops the run before anything is submitted, with squeue's message", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    s.fake.set(s.id("b"), "FAILED", "NonZeroExitCode");
    s.marker("b", "failed", '{"code": 3, "reason": "failed"}\n');
    s.fake.forgetCalls();
    s.fake.behave("fail.squeue", "*|1|squeue: error: slurm_receive_msg: Zero Bytes were transmitted or received");
    const r = s.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("squeue failed (exit 1): squeue: error: slurm_receive_msg: Zero Bytes were transmitted or received");
    expect(r.stderr).toContain("nothing was submitted");
    expect(s.fake.calls("sbatch")).toEqual([]);
    expect(s.fake.calls("scancel")).toEqual([]);
    // status.sh and `experimaestro status` fall back on the markers and say why.
    expect(s.run("status.sh").stderr).toContain("warning: squeue failed (exit 1)");
    const st = s.status();
    expect(st.rows.a).toMatchObject({ state: "submitted", detail: expect.stringContaining("Zero Bytes") });
    expect(st.rows.b!.state).toBe("failed");
  });

  it("retries transient errors with back-off, then stops naming the job", () => {
    const s = new Setup("slurm", SLURM);
    s.fake.behave("fail.sbatch", "2|1|sbatch: error: Batch job submission failed: Socket timed out on send/recv operation");
    const r = s.run();
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("Socket timed out on send/recv operation (attempt 1 of 5, again in 0s)");
    expect(s.fake.submissions("sbatch")).toHaveLength(7);
    expect(s.fake.jobs().size).toBe(5);

    // A time-out after sbatch took the job: the job is found by its name, not submitted twice.
    const v = new Setup("slurm", SLURM);
    v.fake.behave("taken.sbatch", "2\n");
    const taken = v.run();
    expect(taken.status).toBe(0);
    expect(taken.stderr.match(/warning: sbatch had taken jobs\/pipeline\.step\/\S+ \(pipeline\.Step\/[0-9a-f]{8}\) all the same, as job \d+: not submitted again/g)).toHaveLength(2);
    expect(v.fake.submissions("sbatch")).toHaveLength(5);
    expect(v.fake.jobs().size).toBe(5);
    expect(v.fake.calls("squeue").filter((c) => c.includes(" -n "))).toHaveLength(2);
    expect(v.fake.deps(v.id("b"))).toEqual([v.id("a")]);
    expect(v.run().stdout).toContain("5 jobs: 0 submitted, 5 already queued or running");

    const t = new Setup("slurm", SLURM);
    t.fake.behave("fail.sbatch", "*|1|sbatch: error: Slurm temporarily unable to accept job: Resource temporarily unavailable");
    const stop = t.run(undefined, { XPM_RETRIES: "3" });
    expect(stop.status).toBe(1);
    expect(stop.stderr).toMatch(/error: sbatch refused jobs\/pipeline\.step\/\S+ \(pipeline\.Step\/[0-9a-f]{8}\), exit 1: .*Resource temporarily unavailable/);
    expect(t.fake.submissions("sbatch")).toHaveLength(3);
    // The check before the first submission retries too, and names the job it could not check.
    const u = new Setup("slurm", SLURM);
    u.fake.behave("fail.sbatch-test", "*|1|sbatch: error: Batch job submission failed: Socket timed out on send/recv operation");
    const unchecked = u.run(undefined, { XPM_RETRIES: "2" });
    expect(unchecked.status).toBe(1);
    expect(unchecked.stderr).toMatch(/error: jobs\/pipeline\.step\/\S+\/step\.sh \(pipeline\.Step\/[0-9a-f]{8}\): SLURM refuses it: .*Socket timed out/);
    expect(u.fake.submissions("sbatch")).toEqual([]);
  });

  it("held, requeued or stopped jobs are queued for the driver, status.sh and status alike", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    s.fake.set(s.id("a"), "REQUEUE_HOLD", "JobHeldUser");
    s.fake.set(s.id("b"), "STOPPED");
    s.fake.set(s.id("d"), "SUSPENDED");
    s.marker("a", "failed", '{"code": 143, "reason": "cancelled"}\n');
    expect(s.run().stdout).toContain("5 jobs: 0 submitted, 5 already queued or running");
    expect(s.statusSh()).toMatchObject({ a: "queued (JobHeldUser)", b: "queued (STOPPED)", d: "queued (SUSPENDED)" });
    const st = s.status();
    expect(st.rows.a).toMatchObject({ state: "queued", detail: "JobHeldUser" });
    expect(st.rows.b).toMatchObject({ state: "queued", detail: "STOPPED" });
    expect(st.status).toBe(3);
  });

  it("a job SLURM is still completing reads as the marker its script wrote since the submission; an older marker does not", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    // Cancelled while running: the script wrote its marker, squeue shows COMPLETING a while longer.
    s.fake.set(s.id("a"), "COMPLETING");
    s.marker("a", "failed", '{"code": 143, "reason": "cancelled"}\n');
    // A marker left by an earlier run (older than this submission) is not this run's end.
    s.fake.set(s.id("b"), "RUNNING");
    s.marker("b", "failed", '{"code": 1, "reason": "failed"}\n');
    const before = new Date(Date.now() - 3600_000);
    utimesSync(s.file("b", "failed"), before, before);
    expect(s.statusSh()).toMatchObject({ a: "failed (cancelled)", b: "running" });
    expect(s.status().rows).toMatchObject({ a: { state: "failed", detail: "cancelled" }, b: { state: "running" } });
  });

  it("D9: with kill_on_invalid_dep false, one re-run replaces the whole failed subtree", () => {
    const s = new Setup("slurm", SLURM_NO_KILL);
    s.run();
    const old = { b: s.id("b"), c: s.id("c"), g: s.id("g") };
    s.fake.set(s.id("a"), "COMPLETED");
    s.marker("a", "done");
    s.fake.set(old.b, "FAILED", "NonZeroExitCode");
    s.marker("b", "failed", '{"code": 3, "reason": "failed"}\n');
    s.fake.set(old.c, "PENDING", "DependencyNeverSatisfied");
    s.fake.set(s.id("d"), "RUNNING");
    expect(s.statusSh()).toMatchObject({ a: "done", b: "failed (failed)", c: "blocked (by pipeline.Step/" + s.jobs.b!.dir.slice(-64, -56) + ")", g: expect.stringMatching(/^blocked/), d: "running" });

    s.fake.forgetCalls();
    const r = s.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("5 jobs: 3 submitted, 1 already queued or running, 1 done");
    expect(s.fake.calls("scancel")).toEqual([`scancel ${old.c} ${old.g}`]);
    expect(s.fake.deps(s.id("b"))).toEqual([]);
    expect(s.fake.deps(s.id("c"))).toEqual([s.id("b")]);
    expect(s.fake.deps(s.id("g"))).toEqual([s.id("c")]);
    expect(s.id("g")).not.toBe(old.g);
    expect(s.failed("b")).toBeUndefined();
    // Nothing is left pending on a cancelled id, so a second run has nothing to do.
    expect(s.run().stdout).toContain("5 jobs: 0 submitted, 4 already queued or running, 1 done");
  });

  it("D7, D10: jobs that ended without a marker are failed with SLURM's reason; dependency-cancelled ones are blocked", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    s.fake.set(s.id("a"), "COMPLETED");
    s.marker("a", "done");
    s.fake.set(s.id("b"), "TIMEOUT", "TimeLimit");
    s.marker("b", "failed", '{"code": 143, "reason": "cancelled"}\n');
    s.fake.set(s.id("c"), "CANCELLED", "DependencyNeverSatisfied");
    s.fake.set(s.id("d"), "CANCELLED", "None");
    const sh = s.statusSh();
    expect(sh).toMatchObject({ a: "done", b: "failed (timeout)", d: "failed (cancelled)" });
    expect(sh.c).toMatch(/^blocked \(by pipeline\.Step\/[0-9a-f]{8}\)$/);
    expect(sh.g).toMatch(/^blocked \(by pipeline\.Step\/[0-9a-f]{8}\)$/);
    const st = s.status();
    expect(st.status).toBe(1);
    expect(st.rows).toMatchObject({ a: { state: "done" }, b: { state: "failed", detail: "timeout" }, c: { state: "blocked" }, d: { state: "failed", detail: "cancelled" }, g: { state: "blocked" } });
    // squeue forgot d (MinJobAge): without accounting it ended unseen; with it, sacct says how.
    s.fake.forget(s.id("d"));
    expect(s.status().rows.d).toMatchObject({ state: "failed", detail: "lost" });
    expect(s.statusSh().d).toBe("failed (lost)");
    s.fake.account(s.id("d"), `OUT_OF_MEMORY|None|pipeline.Step-${s.jobs.d!.dir.slice(-64, -56)}`);
    expect(s.status().rows.d).toMatchObject({ state: "failed", detail: "failed" });
    expect(s.statusSh().d).toBe("failed (failed)");
  });

  it("an id that now names another job (recycled by a fresh cluster) is not taken for the job", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    s.marker("a", "done");
    writeFileSync(join(s.fake.state, "jobs", s.id("b")), "RUNNING|None|someone-elses-job\n");
    expect(s.statusSh().b).toBe("failed (lost)");
    const old = s.id("b");
    expect(s.run().stdout).toContain("5 jobs: 3 submitted, 1 already queued or running, 1 done");
    expect(s.id("b")).not.toBe(old);
    expect(s.fake.deps(s.id("c"))).toEqual([s.id("b")]);
  });

  it("D4: two drivers at once never overlap; each job is submitted once", async () => {
    const s = new Setup("slurm", SLURM);
    s.fake.behave("delay.sbatch", "0.5");
    const first = s.start();
    const lock = join(s.ws, "experiments/pipeline/submit.lock");
    const deadline = Date.now() + 60_000;
    while (!(existsSync(lock) && readFileSync(lock, "utf8").startsWith("process")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = await s.start();
    expect(second.status).toBe(75);
    expect(second.stderr).toMatch(/error: another driver of experiment pipeline is running \(process \d+ on .* since .*; it holds experiments\/pipeline\/submit\.lock\); nothing was submitted/);
    expect((await first).stdout).toContain("5 jobs: 5 submitted");
    expect(s.fake.submissions("sbatch")).toHaveLength(5);
    expect(s.run().stdout).toContain("5 jobs: 0 submitted, 5 already queued or running");
  });

  it("checks every script before the first submission: a refused header, DOS line breaks or no #! stop the run", () => {
    const s = new Setup("slurm", SLURM);
    s.fake.behave("refuse", "cpus-per-task=2\n");
    const refused = s.run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/error: jobs\/pipeline\.step\/\S+\/step\.sh \(pipeline\.Step\/[0-9a-f]{8}\): SLURM refuses it: sbatch: error: Batch job submission failed: Requested node configuration is not available/);
    expect(refused.stderr).toContain("nothing was submitted");
    // One check per set of resources: d's (two cores) and the others'.
    expect(s.fake.calls("sbatch").filter((c) => c.includes("--test-only"))).toHaveLength(2);
    expect(s.fake.submissions("sbatch")).toEqual([]);

    s.fake.behave("refuse", undefined);
    writeFileSync(s.file("g", "sh"), readFileSync(s.file("g", "sh"), "utf8").replace(/\n/g, "\r\n"));
    writeFileSync(s.file("c", "sh"), "set -u\n");
    const broken = s.run();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`${s.jobs.g!.dir}/step.sh: it has DOS line breaks (\\r\\n), which SLURM refuses`);
    expect(broken.stderr).toContain(`${s.jobs.c!.dir}/step.sh (pipeline.Step/${s.jobs.c!.dir.slice(-64, -56)}): not a batch script (its first line is not #!)`);
    expect(s.fake.submissions("sbatch")).toEqual([]);
  });

  it("a parent running when asked, and failed since, blocks its child instead of chaining it to the failure", () => {
    const s = new Setup("slurm", SLURM);
    s.run();
    s.fake.set(s.id("a"), "RUNNING");
    s.fake.forget(s.id("b"));
    s.marker("a", "failed", '{"code": 3, "reason": "failed"}\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(s.file("a", "failed"), later, later);
    const r = s.run();
    expect(r.stdout).toMatch(/blocked {4}jobs\/pipeline\.step\/\S+ \(by pipeline\.Step\/[0-9a-f]{8}\)/);
    expect(s.failed("b")).toBe("dependency");
    expect(r.stdout).toContain("0 submitted");
  });

  it("jobs waiting on a local job wait while it runs, and are blocked (never submitted) once it failed", () => {
    const s = new Setup("slurm", SLURM, { here: true });
    expect(s.run().stdout).toContain("4 jobs: 0 submitted, 0 already queued or running, 0 done, 4 waiting for jobs elsewhere, 0 blocked");
    s.marker("a", "failed", '{"code": 1, "reason": "failed"}\n');
    const r = s.run();
    expect(r.stdout).toContain("4 jobs: 0 submitted, 0 already queued or running, 0 done, 0 waiting for jobs elsewhere, 4 blocked");
    expect(["b", "c", "d", "g"].map((l) => s.failed(l))).toEqual(["dependency", "dependency", "dependency", "dependency"]);
    expect(s.fake.calls("sbatch")).toEqual([]);
    expect(s.statusSh().c).toMatch(/^blocked \(by pipeline\.Step\/[0-9a-f]{8}\)$/);
    s.marker("a", "done");
    expect(s.run().stdout).toContain("4 jobs: 4 submitted");
    expect(s.fake.deps(s.id("b"))).toEqual([]);
    expect(s.failed("b")).toBeUndefined();
  });
});

describe("submit-oar.sh against a fake OAR", () => {
  const OAR = "    oar: {queue: default}\n";

  it("chains with -a per parent, finds OAR_JOB_ID among the admission rules' lines, and stops when oarstat fails", () => {
    const s = new Setup("oar", OAR);
    const r = s.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("5 jobs: 5 submitted");
    expect(s.fake.submissions("oarsub")[1]).toMatch(new RegExp(`^oarsub -a ${s.id("a")} -d /\\S+ -S \\./step\\.sh$`));
    expect(s.fake.deps(s.id("b"))).toEqual([s.id("a")]);
    const old = { c: s.id("c"), g: s.id("g") };
    s.fake.set(s.id("b"), "Error");
    expect(s.statusSh().b).toBe("failed (failed)");
    // The job's own marker, when it wrote one, says why (oarstat -s says only Error).
    s.marker("b", "failed", '{"code": 137, "reason": "cancelled"}\n');
    expect(s.statusSh().b).toBe("failed (cancelled)");
    expect(s.status().rows.b).toMatchObject({ state: "failed", detail: "cancelled" });
    rmSync(s.file("b", "failed"));
    // Without one, why it ended is in its events: oardel (FRAG_JOB_REQUEST), or the walltime, which frags it too.
    s.fake.event(s.id("b"), "SEND_KILL_JOB: [Leon] Send the kill signal to oarexec on localhost");
    s.fake.event(s.id("b"), "FRAG_JOB_REQUEST: User alice requested to frag the job");
    s.fake.event(s.id("b"), "SWITCH_INTO_ERROR_STATE: [bipbip] Ask to change the job state");
    expect(s.statusSh().b).toBe("failed (cancelled)");
    expect(s.status().rows.b).toMatchObject({ state: "failed", detail: "cancelled" });
    s.fake.event(s.id("b"), "WALLTIME: [sarko] Job from 1 with 60; current time=62 (Elapsed)");
    expect(s.statusSh().b).toBe("failed (timeout)");
    expect(s.status().rows.b).toMatchObject({ state: "failed", detail: "timeout" });
    // -a starts c once b ended, however it ended: c's script will refuse to run; c is blocked.
    s.fake.set(old.c, "Running");
    expect(s.statusSh().c).toMatch(/^blocked \(by pipeline\.Step\/[0-9a-f]{8}\)$/);
    expect(s.status().rows.c!.state).toBe("blocked");
    s.fake.set(old.c, "Waiting");
    s.fake.behave("fail.oarstat", "*|25|DB connection error, exiting.");
    s.fake.forgetCalls();
    const stop = s.run(undefined, { XPM_RETRIES: "2" });
    expect(stop.status).toBe(1);
    expect(stop.stderr).toContain("oarstat failed (exit 25): DB connection error, exiting.");
    expect(s.fake.calls("oarsub")).toEqual([]);
    s.fake.behave("fail.oarstat", undefined);
    expect(s.run().stdout).toContain("5 jobs: 3 submitted, 2 already queued or running");
    expect(s.fake.calls("oardel")).toEqual([`oardel ${old.c} ${old.g}`]);
    expect(s.fake.deps(s.id("c"))).toEqual([s.id("b")]);
  });

  it("an oarsub that failed after OAR took the job: found by its name among the user's jobs, not submitted twice", () => {
    const s = new Setup("oar", OAR);
    s.fake.behave("taken.oarsub", "2\n");
    const r = s.run(undefined, { USER: "alice" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/warning: oarsub had taken jobs\/pipeline\.step\/\S+ \(pipeline\.Step\/[0-9a-f]{8}\) all the same, as job \d+: not submitted again/g)).toHaveLength(2);
    expect(s.fake.submissions("oarsub")).toHaveLength(5);
    expect(s.fake.jobs().size).toBe(5);
    const finds = s.fake.calls("oarstat").filter((c) => c.includes("--sql"));
    expect(finds).toHaveLength(2);
    expect(finds[0]).toMatch(/^oarstat -u alice --sql job_name = 'pipeline\.Step-[0-9a-f]{8}' and state in \('Waiting',.*'Running'.*\)$/);
    // The found ids are recorded and chained: b after a, c after b.
    expect(s.fake.deps(s.id("b"))).toEqual([s.id("a")]);
    expect(s.fake.deps(s.id("c"))).toEqual([s.id("b")]);
    expect(s.run().stdout).toContain("5 jobs: 0 submitted, 5 already queued or running");
  });
});

describe("submit-pbs.sh against a fake PBS", () => {
  const PBS = "    pbs: {queue: workq}\n";

  it("submits from each job's directory with -W depend=afterok, reads qstat -x, and stops when qstat fails", () => {
    const s = new Setup("pbs", PBS);
    const r = s.run();
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("5 jobs: 5 submitted");
    expect(s.id("a")).toMatch(/^\d+\.pbs$/);
    expect(s.fake.submissions("qsub")[1]).toBe(`qsub -W depend=afterok:${s.id("a")} ./step.sh`);
    expect(s.fake.deps(s.id("g"))).toEqual([s.id("c")]);
    expect(readFileSync(s.file("a", "sh"), "utf8")).toContain('#PBS -q workq\ncd "${PBS_O_WORKDIR:-.}" || exit 1\n');
    expect(s.run().stdout).toContain("5 jobs: 0 submitted, 5 already queued or running");

    // b finished without a marker, c was deleted by the server (its parent failed), g is gone.
    const old = { c: s.id("c"), g: s.id("g") };
    s.fake.set(s.id("a"), "F");
    s.marker("a", "done");
    s.fake.set(s.id("b"), "F");
    s.fake.set(old.c, "F");
    s.fake.forget(old.g);
    s.fake.set(s.id("d"), "R");
    expect(s.statusSh()).toMatchObject({ a: "done", b: "failed (lost)", d: "running" });
    expect(s.status().rows).toMatchObject({ b: { state: "failed", detail: "lost" }, c: { state: "blocked" }, d: { state: "running" } });

    s.fake.behave("fail.qstat", "*|1|qstat: cannot connect to server pbs (errno=15010)");
    const stop = s.run(undefined, { XPM_RETRIES: "2" });
    expect(stop.status).toBe(1);
    expect(stop.stderr).toContain("qstat failed (exit 1): qstat: cannot connect to server pbs (errno=15010)");
    s.fake.behave("fail.qstat", undefined);
    s.fake.forgetCalls();
    expect(s.run().stdout).toContain("5 jobs: 3 submitted, 1 already queued or running, 1 done");
    expect(s.fake.calls("qdel")).toEqual([]);
    expect(s.fake.deps(s.id("c"))).toEqual([s.id("b")]);
  });

  it("every script it emits passes shellcheck", () => {
    const s = new Setup("pbs", PBS);
    if (spawnSync("shellcheck", ["--version"]).status !== 0 && !process.env.CI) return;
    const scripts = [...Object.values(s.jobs).map((j) => join(s.ws, j.dir, `${j.name}.sh`)), ...["submit-pbs.sh", "status.sh", "run-local.sh"].map((f) => join(s.ws, "experiments/pipeline", f))];
    const r = spawnSync("shellcheck", ["--severity=style", ...scripts], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
