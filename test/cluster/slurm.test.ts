/**
 * On a real single-node SLURM (scripts/cluster/slurm-up.sh): the example submitted with the
 * emitted bash driver, a failing middle job, idempotent re-runs, and a moved workspace.
 * Run with `npm run test:slurm`; skips loudly when SLURM cannot be started.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { driver, prepare, skipLoudly, startScheduler, waitUntil } from "./cluster.ts";

const reason = startScheduler("slurm");
if (reason) skipLoudly("SLURM", reason);

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
function scratch(): string {
  const d = tmp("xpm-slurm-");
  made.push(d);
  return d;
}

interface Row {
  key: string;
  task: string;
  state: string;
  detail?: string;
  schedulerId?: string;
}
function status(ws: string, id: string): Row[] {
  return JSON.parse(cli(["status", ws, id, "--json"]).stdout);
}
/** True once no job of the workspace is queued or running any more. */
function settled(ws: string, id: string): boolean {
  return status(ws, id).every((r) => r.state !== "queued" && r.state !== "running" && r.state !== "submitted");
}

describe.skipIf(reason !== undefined)("SLURM", () => {
  it("the example, submitted with submit-slurm.sh, completes: every job done", async () => {
    const ws = scratch();
    prepare(ws, "examples/grid/normal", "slurm");
    const first = driver(join(ws, "experiments/grid/submit-slurm.sh"));
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("13 jobs: 13 submitted, 0 already queued or running, 0 done");
    expect(first.stdout).toMatch(/submitted {2}jobs\/grid\.report\/\S+ \(\d+, after \d+(:\d+){5}\)/);

    // Running it again while jobs are queued submits nothing twice.
    const second = driver(join(ws, "experiments/grid/submit-slurm.sh"));
    expect(second.stdout).toMatch(/13 jobs: 0 submitted, \d+ already queued or running, \d+ done/);
    const ids = status(ws, "grid").map((r) => r.schedulerId);
    expect(new Set(ids).size).toBe(13);

    await waitUntil("the example to finish", () => settled(ws, "grid"));
    const rows = status(ws, "grid");
    expect(rows.map((r) => r.state)).toEqual(Array(13).fill("done"));
    const report = rows.find((r) => r.task === "grid.Report")!;
    expect(readFileSync(join(ws, "jobs", report.key, "results.md"), "utf8")).toContain("| lr | seed |");
    // Each job was submitted exactly once: SLURM knows each of our job ids once.
    const sq = spawnSync("squeue", ["-h", "-t", "all", "-j", ids.join(","), "-o", "%i"], { encoding: "utf8" }).stdout.trim().split("\n");
    expect(sq.sort()).toEqual([...ids].sort());

    const third = driver(join(ws, "experiments/grid/submit-slurm.sh"));
    expect(third.stdout).toContain("13 jobs: 0 submitted, 0 already queued or running, 13 done");
    const bashStatus = spawnSync("bash", [join(ws, "experiments/grid/status.sh")], { encoding: "utf8" }).stdout;
    expect(bashStatus.trim().split("\n").every((l) => /  done \[slurm \d+\]$/.test(l))).toBe(true);
  });

  it("a failing middle job: descendants never run, show as blocked, nothing stays pending; a fixed re-run runs only that subtree", async () => {
    const ws = scratch();
    const log = join(ws, "..", `slurm-chain-${Date.now()}.log`);
    made.push(log);
    const project = fixture("projects/chain/normal");
    prepare(ws, project, "slurm", ["-c", "fail_b=true", "-c", `log=${log}`]);
    expect(driver(join(ws, "experiments/chain/submit-slurm.sh")).status).toBe(0);
    await waitUntil("the chain to settle", () => settled(ws, "chain"));
    const rows = status(ws, "chain");
    const byLabel = (l: string) => rows.find((r) => JSON.parse(readFileSync(join(ws, "jobs", r.key, "params.json"), "utf8")).params.label === l)!;
    expect(byLabel("a").state).toBe("done");
    expect(byLabel("d").state).toBe("done");
    expect(byLabel("b").state).toBe("failed");
    expect(byLabel("c").state).toBe("blocked");
    expect(byLabel("e").state).toBe("blocked");
    expect(byLabel("c").detail).toContain("chain.Step/");
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "d"]);
    // kill-on-invalid-dep: nothing is left pending forever.
    const pending = spawnSync("squeue", ["-h", "-t", "PENDING", "-o", "%i|%r"], { encoding: "utf8" }).stdout.trim();
    expect(pending).toBe("");
    expect(cli(["status", ws, "chain"]).status).toBe(1);

    writeFileSync(log, "");
    prepare(ws, project, "slurm", ["-c", "fail_b=false", "-c", `log=${log}`]);
    const rerun = driver(join(ws, "experiments/chain/submit-slurm.sh"));
    expect(rerun.stdout).toContain("5 jobs: 3 submitted, 0 already queued or running, 2 done");
    await waitUntil("the fixed chain to finish", () => settled(ws, "chain"));
    expect(status(ws, "chain").map((r) => r.state)).toEqual(Array(5).fill("done"));
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["b", "c", "e"]);
  });

  it("a workspace copied to another path still runs (relative paths hold)", async () => {
    const ws = scratch();
    prepare(ws, "examples/grid/normal", "slurm", ["-c", "seeds=[7]", "-c", "lrs=[0.2]"]);
    const moved = join(scratch(), "elsewhere", "ws");
    cpSync(ws, moved, { recursive: true });
    rmSync(ws, { recursive: true, force: true });
    const r = driver(join(moved, "experiments/grid/submit-slurm.sh"));
    expect(r.stdout).toContain("3 jobs: 3 submitted");
    await waitUntil("the moved workspace to finish", () => settled(moved, "grid"));
    expect(status(moved, "grid").map((s) => s.state)).toEqual(["done", "done", "done"]);
    expect(existsSync(ws)).toBe(false);
  });

  it("normal mode compiles and submits, and says how to follow", async () => {
    const ws = scratch();
    const r = cli(["run-experiment", "examples/grid/normal", "--workdir", ws, "--xpm-config-dir", fixture("launchers/slurm"), "-c", "seeds=[3]", "-c", "lrs=[0.5]"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("submitting slurm jobs: bash experiments/grid/submit-slurm.sh");
    expect(r.stdout).toContain(`experimaestro status ${ws} grid`);
    await waitUntil("normal mode's jobs", () => settled(ws, "grid"));
    expect(status(ws, "grid").every((s) => s.state === "done")).toBe(true);
  });
});
