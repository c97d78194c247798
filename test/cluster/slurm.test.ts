/**
 * On a real single-node SLURM (scripts/cluster/slurm-up.sh). Run with `npm run test:slurm`;
 * when SLURM cannot be started it fails on CI (CI=true) and skips loudly elsewhere.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { driver, prepare, schedulerOrSkip, waitUntil } from "./cluster.ts";
import { limitScenarios, schedulerScenarios, status } from "./scenarios.ts";

const reason = schedulerOrSkip("slurm", "SLURM");

schedulerScenarios(
  {
    name: "SLURM",
    launchers: "slurm",
    driver: "submit-slurm.sh",
    user: undefined,
    // --kill-on-invalid-dep: nothing is left pending forever behind the failed job.
    afterFailure: () => expect(spawnSync("squeue", ["-h", "-t", "PENDING", "-o", "%i|%r"], { encoding: "utf8" }).stdout.trim()).toBe(""),
    cancel: { command: "scancel", reason: "cancelled" },
  },
  reason,
);

describe.skipIf(reason !== undefined)("SLURM normal mode", () => {
  it("compiles, submits, and says how to follow", async () => {
    const ws = tmp("xpm-slurm-normal-");
    const r = cli(["run-experiment", "examples/grid/normal", "--workdir", ws, "--xpm-config-dir", fixture("launchers/slurm"), "-c", "seeds=[3]", "-c", "lrs=[0.5]"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("submitting slurm jobs: bash experiments/grid/submit-slurm.sh");
    expect(r.stdout).toContain(`experimaestro status ${ws} grid`);
    await waitUntil("normal mode's jobs", () => status(ws, "grid").every((s) => s.state === "done"));
    rmSync(ws, { recursive: true, force: true });
  });
});

limitScenarios({ name: "SLURM", launchers: "slurm", driver: "submit-slurm.sh", user: undefined, cancel: { command: "scancel", reason: "cancelled" } }, reason, (id) => void spawnSync("scancel", [id]));

describe.skipIf(reason !== undefined)("SLURM: what its drivers must get right", () => {
  it("D9: with kill_on_invalid_dep false, one re-run after the fix runs the whole failed subtree", async () => {
    const dir = tmp("xpm-slurm-nokill-");
    const ws = join(dir, "ws");
    const log = join(dir, "chain.log");
    writeFileSync(log, "");
    prepare(ws, fixture("projects/chain/normal"), "slurm-nokill", ["-c", "fail_b=true", "-c", `log=${log}`]);
    expect(driver(join(ws, "experiments/chain/submit-slurm.sh")).status).toBe(0);
    // c and e wait forever on the failed b (DependencyNeverSatisfied): blocked, not queued.
    await waitUntil("b to fail and its dependents to be blocked", () => status(ws, "chain").filter((r) => r.state === "blocked").length === 2);
    expect(status(ws, "chain").map((r) => r.state).sort()).toEqual(["blocked", "blocked", "done", "done", "failed"]);
    const stuck = status(ws, "chain").filter((r) => r.state === "blocked").map((r) => r.schedulerId!);
    prepare(ws, fixture("projects/chain/normal"), "slurm-nokill", ["-c", "fail_b=false", "-c", `log=${log}`]);
    const rerun = driver(join(ws, "experiments/chain/submit-slurm.sh"));
    expect(rerun.stdout).toContain("5 jobs: 3 submitted, 0 already queued or running, 2 done");
    expect(rerun.stdout).toContain(`cancelling 2 old submissions: ${stuck.join(" ")}`);
    await waitUntil("the fixed chain to finish", () => status(ws, "chain").every((r) => r.state === "done"));
    // Nothing of this experiment is left pending on an id that will never succeed.
    expect(spawnSync("squeue", ["-h", "-t", "all", "-j", stuck.join(","), "-o", "%T"], { encoding: "utf8" }).stdout.trim().split("\n")).toEqual(["CANCELLED", "CANCELLED"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("D7: once squeue has forgotten a job (MinJobAge), sacct says how it ended", async () => {
    const dir = tmp("xpm-slurm-sacct-");
    const ws = join(dir, "ws");
    prepare(ws, fixture("projects/wait/normal"), "slurm", ["-c", "seconds=20"]);
    expect(driver(join(ws, "experiments/wait/submit-slurm.sh")).status).toBe(0);
    const b = status(ws, "wait")[1];
    spawnSync("scancel", [b!.schedulerId!]);
    await waitUntil("b to be cancelled", () => status(ws, "wait")[1]!.state === "failed");
    await waitUntil("a to finish", () => status(ws, "wait")[0]!.state === "done");
    // An squeue that no longer knows any job, as after MinJobAge (the real one keeps them an hour).
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "squeue"), "#!/bin/sh\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n", { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const rows = JSON.parse(cli(["status", ws, "wait", "--json"], { env }).stdout);
    expect(rows.map((r: { state: string; detail?: string }) => `${r.state} (${r.detail})`)).toEqual(["done (undefined)", "failed (cancelled)"]);
    const sh = spawnSync("bash", [join(ws, "experiments/wait/status.sh")], { encoding: "utf8", env: { ...process.env, ...env } }).stdout;
    expect(sh.trim().split("\n").map((l) => / {2}(done|failed \(\w+\)) \[/.exec(l)?.[1])).toEqual(["done", "failed (cancelled)"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("D13: a backslash, quotes and # in a launcher value reach SLURM as written", () => {
    const dir = tmp("xpm-slurm-quote-");
    const config = join(dir, "config");
    const account = "team\\ml #1 it's";
    mkdirSync(config);
    writeFileSync(join(config, "launchers.yaml"), `launchers:\n  - id: q\n    type: slurm\n    priority: 1\n    slurm: {partition: debug, account: ${JSON.stringify(account)}}\n`);
    const ws = join(dir, "ws");
    const r = cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", config, "-c", "seeds=[9]", "-c", "lrs=[0.9]"]);
    expect(r.status).toBe(0);
    // Accounting knows no such account (AccountingStorageEnforce): the driver's check refuses
    // the scripts before anything is submitted, with SLURM's word.
    const refused = driver(join(ws, "experiments/grid/submit-slurm.sh"));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("SLURM refuses it: allocation failure: Invalid account or account/partition combination specified");
    expect(refused.stderr).toContain("nothing was submitted");
    const job = join(ws, "jobs", status(ws, "grid")[0]!.key);
    expect(readdirSync(job).filter((f) => f.endsWith(".slurm-id"))).toEqual([]);
    // What sbatch read on the #SBATCH line: its -v lists the options it parsed.
    const script = readdirSync(job).find((f) => f.endsWith(".sh"))!;
    const parsed = spawnSync("sbatch", ["-v", "--test-only", script], { cwd: job, encoding: "utf8" }).stderr;
    expect(/^sbatch: account +: (.*)$/m.exec(parsed)?.[1]).toBe(account);
    rmSync(dir, { recursive: true, force: true });
  });
});
