/**
 * The scheduler scenarios, shared by the SLURM and OAR test files: the example submitted with
 * the emitted bash driver, a failing middle job, idempotent re-runs, a moved workspace and
 * normal mode. Each scheduler adds its own checks through `extra`.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { driver, prepare, waitUntil } from "./cluster.ts";

export interface SchedulerCase {
  name: string;
  /** Launchers fixture folder (test/fixtures/launchers/<launchers>). */
  launchers: string;
  driver: string;
  /** Submit as this user (OAR refuses root). */
  user: string | undefined;
  /** Checks after the failing chain settled (e.g. nothing left pending). */
  afterFailure?: () => void;
  /** Cancels a queued job (scancel, oardel), and the reason `status` then gives it. */
  cancel: { command: string; reason: string };
}

interface Row {
  key: string;
  task: string;
  state: string;
  detail?: string;
  schedulerId?: string;
}

export function status(ws: string, id: string): Row[] {
  return JSON.parse(cli(["status", ws, id, "--json"]).stdout);
}

function settled(ws: string, id: string): boolean {
  return status(ws, id).every((r) => r.state !== "queued" && r.state !== "running" && r.state !== "submitted");
}

export function schedulerScenarios(c: SchedulerCase, skipReason: string | undefined): void {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  /** A folder the submitting user owns (jobs run as that user and write there). */
  const scratch = (): string => {
    const d = tmp(`xpm-${c.name}-`);
    made.push(d);
    chmodSync(d, 0o755);
    if (c.user) {
      const uid = Number(spawnSync("id", ["-u", c.user], { encoding: "utf8" }).stdout);
      const gid = Number(spawnSync("id", ["-g", c.user], { encoding: "utf8" }).stdout);
      chownSync(d, uid, gid);
    }
    return d;
  };
  const own = (path: string) => {
    if (c.user) spawnSync("chown", ["-R", c.user, path]);
  };
  const submit = (ws: string, id: string) => {
    own(ws);
    return driver(join(ws, "experiments", id, c.driver), c.user);
  };
  const labelOf = (ws: string, r: Row): string => JSON.parse(readFileSync(join(ws, "jobs", r.key, "params.json"), "utf8")).params.label;

  describe.skipIf(skipReason !== undefined)(c.name, () => {
    it(`the example, submitted with ${c.driver}, completes; a second run submits nothing`, async () => {
      const ws = join(scratch(), "ws");
      mkdirSync(ws);
      prepare(ws, "examples/grid/normal", c.launchers);
      const first = submit(ws, "grid");
      expect(first.stderr).toBe("");
      expect(first.status).toBe(0);
      expect(first.stdout).toContain("13 jobs: 13 submitted, 0 already queued or running, 0 done");
      // The report goes after its six parents' ids, less those done before it was submitted (a
      // parent done is left out): the line reads `(ID, after P1:P2:...)`; with SLURM's arrays, the
      // one id of their array.
      const reportLine = /submitted {2}jobs\/grid\.report\/\S+ \((\d+)(?:, after (\d+(?::\d+){0,5}))?\)\n/.exec(first.stdout);
      expect(reportLine, first.stdout).not.toBeNull();

      const second = submit(ws, "grid");
      expect(second.stdout).toMatch(/13 jobs: 0 submitted, \d+ already queued or running, \d+ done/);
      const ids = status(ws, "grid").map((r) => r.schedulerId);
      expect(new Set(ids).size).toBe(13);

      await waitUntil("the example to finish", () => settled(ws, "grid"));
      const rows = status(ws, "grid");
      expect(rows.map((r) => r.state)).toEqual(Array(13).fill("done"));
      // No job was submitted twice: the recorded ids did not change.
      expect(rows.map((r) => r.schedulerId)).toEqual(ids);
      const report = rows.find((r) => r.task === "grid.Report")!;
      const submittedAt = statSync(join(ws, "jobs", report.key, `report.${c.name.toLowerCase()}-id`)).mtimeMs;
      const after = reportLine![2]?.split(":") ?? [];
      // An array element's id is <array>_<index>: its array's id stands for it.
      const waitedFor = (id: string) => after.includes(id) || after.includes(id.split("_")[0]!);
      for (const e of rows.filter((r) => r.task === "grid.Evaluate")) {
        if (!waitedFor(e.schedulerId!)) expect(statSync(join(ws, "jobs", e.key, "evaluate.done")).mtimeMs, `${e.schedulerId} left out of ${reportLine![0]}`).toBeLessThanOrEqual(submittedAt);
      }
      expect(after.every((id) => rows.some((r) => r.task === "grid.Evaluate" && (r.schedulerId === id || r.schedulerId!.startsWith(`${id}_`))))).toBe(true);
      expect(readFileSync(join(ws, "jobs", report.key, "results.md"), "utf8")).toContain("| lr | seed |");

      const third = submit(ws, "grid");
      expect(third.stdout).toContain("13 jobs: 0 submitted, 0 already queued or running, 13 done");
      const bashStatus = spawnSync("bash", [join(ws, "experiments/grid/status.sh")], { encoding: "utf8" }).stdout;
      expect(bashStatus.trim().split("\n").every((l) => new RegExp(`  done \\[${c.name.toLowerCase()} \\d+(_\\d+)?\\]$`).test(l))).toBe(true);
    });

    it("a failing middle job: descendants never run and show as blocked; a fixed re-run runs only that subtree", async () => {
      const dir = scratch();
      const ws = join(dir, "ws");
      const log = join(dir, "chain.log");
      writeFileSync(log, "");
      own(log);
      const project = fixture("projects/chain/normal");
      prepare(ws, project, c.launchers, ["-c", "fail_b=true", "-c", `log=${log}`]);
      expect(submit(ws, "chain").status).toBe(0);
      await waitUntil("the chain to settle", () => settled(ws, "chain"));
      const rows = status(ws, "chain");
      const state = (l: string) => rows.find((r) => labelOf(ws, r) === l)!;
      expect(["a", "b", "c", "d", "e"].map((l) => state(l).state)).toEqual(["done", "failed", "blocked", "done", "blocked"]);
      expect(state("c").detail).toContain("chain.Step/");
      expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "d"]);
      expect(cli(["status", ws, "chain"]).status).toBe(1);
      c.afterFailure?.();

      writeFileSync(log, "");
      prepare(ws, project, c.launchers, ["-c", "fail_b=false", "-c", `log=${log}`]);
      const rerun = submit(ws, "chain");
      expect(rerun.stdout).toContain("5 jobs: 3 submitted, 0 already queued or running, 2 done");
      await waitUntil("the fixed chain to finish", () => settled(ws, "chain"));
      expect(status(ws, "chain").map((r) => r.state)).toEqual(Array(5).fill("done"));
      expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["b", "c", "e"]);
    });

    it("D4: two drivers started at once submit each job once", async () => {
      const ws = join(scratch(), "ws");
      prepare(ws, "examples/grid/normal", c.launchers);
      own(ws);
      const start = () =>
        new Promise<{ status: number | null; out: string }>((resolve) => {
          const argv = c.user ? ["runuser", "-u", c.user, "--", "bash", join(ws, "experiments/grid", c.driver)] : ["bash", join(ws, "experiments/grid", c.driver)];
          const child = spawn(argv[0]!, argv.slice(1));
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (out += d));
          child.on("close", (status) => resolve({ status, out }));
        });
      const runs = await Promise.all([start(), start()]);
      const submitted = runs.map((r) => Number(/13 jobs: (\d+) submitted/.exec(r.out)?.[1] ?? 0));
      // Either the second found the lock held (exit 75), or it started after the first was done.
      for (const r of runs) expect(r.status === 0 || (r.status === 75 && r.out.includes("another driver of experiment grid is running")), r.out).toBe(true);
      expect(submitted.reduce((a, b) => a + b, 0)).toBe(13);
      const ids = status(ws, "grid").map((r) => r.schedulerId);
      expect(new Set(ids).size).toBe(13);
      await waitUntil("the example to finish", () => settled(ws, "grid"));
      expect(status(ws, "grid").map((r) => r.state)).toEqual(Array(13).fill("done"));
    });

    it(`D7: a queued job cancelled with ${c.cancel.command} ends as failed (${c.cancel.reason}) in status; status.sh agrees`, async () => {
      const ws = join(scratch(), "ws");
      prepare(ws, fixture("projects/wait/normal"), c.launchers, ["-c", "seconds=20"]);
      expect(submit(ws, "wait").status).toBe(0);
      // b waits for a, which sleeps 20 s: b is still queued now.
      const target = status(ws, "wait").find((r) => labelOf(ws, r) === "b")!;
      expect(["queued", "submitted"]).toContain(target.state);
      const cancelled = c.user ? spawnSync("runuser", ["-u", c.user, "--", c.cancel.command, target.schedulerId!]) : spawnSync(c.cancel.command, [target.schedulerId!]);
      expect(cancelled.status).toBe(0);
      await waitUntil("the cancelled job to end", () => status(ws, "wait").find((r) => r.key === target.key)!.state === "failed");
      const row = status(ws, "wait").find((r) => r.key === target.key)!;
      expect({ state: row.state, detail: row.detail }).toEqual({ state: "failed", detail: c.cancel.reason });
      expect(cli(["status", ws, "wait"]).status).toBe(1);
      const line = spawnSync("bash", [join(ws, "experiments/wait/status.sh")], { encoding: "utf8" }).stdout.split("\n").find((l) => l.startsWith(`jobs/${target.key}`))!;
      expect(line).toContain(`  failed (${c.cancel.reason}) [`);
      // Once a is done, the next run submits the cancelled job again, and only it.
      await waitUntil("a to finish", () => status(ws, "wait").some((r) => r.state === "done"));
      expect(submit(ws, "wait").stdout).toContain("2 jobs: 1 submitted, 0 already queued or running, 1 done");
      await waitUntil("b to finish", () => settled(ws, "wait"));
      expect(status(ws, "wait").map((r) => r.state)).toEqual(["done", "done"]);
    });

    it("D6: a workspace whose path holds %j runs", async () => {
      const ws = join(scratch(), "pct%j", "ws");
      prepare(ws, "examples/grid/normal", c.launchers, ["-c", "seeds=[5]", "-c", "lrs=[0.3]"]);
      own(join(ws, ".."));
      const r = submit(ws, "grid");
      expect(r.stdout).toContain("3 jobs: 3 submitted");
      await waitUntil("the %j workspace to finish", () => settled(ws, "grid"));
      expect(status(ws, "grid").map((s) => s.state)).toEqual(["done", "done", "done"]);
      const train = status(ws, "grid").find((x) => x.task === "grid.Train")!;
      expect(existsSync(join(ws, "jobs", train.key, "train.out"))).toBe(true);
    });

    it("a workspace copied to another path still runs (relative paths hold)", async () => {
      const ws = join(scratch(), "ws");
      prepare(ws, "examples/grid/normal", c.launchers, ["-c", "seeds=[7]", "-c", "lrs=[0.2]"]);
      const moved = join(scratch(), "elsewhere", "ws");
      cpSync(ws, moved, { recursive: true });
      rmSync(ws, { recursive: true, force: true });
      own(join(moved, ".."));
      const r = submit(moved, "grid");
      expect(r.stdout).toContain("3 jobs: 3 submitted");
      await waitUntil("the moved workspace to finish", () => settled(moved, "grid"));
      expect(status(moved, "grid").map((s) => s.state)).toEqual(["done", "done", "done"]);
      expect(existsSync(ws)).toBe(false);
    });
  });
}

/** How a test cancels a running job of this scheduler (scancel, oardel). */
export type CancelJob = (id: string) => void;

/**
 * Time limits, cancellations and values on a real scheduler: a job needing 150 s of a 3-minute
 * limit completes (the early warning stops nothing), a job over its 1-minute limit ends
 * `timeout` at the limit, a cancelled job whose command forks leaves no process behind, and a
 * CR LF value reaches the command through the scheduler. SLURM enforces --time with a 30 s sweep
 * and minute granularity: these few jobs run at once and take about three minutes.
 */
export function limitScenarios(c: SchedulerCase, skipReason: string | undefined, cancel: CancelJob): void {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const scratch = (): string => {
    const d = tmp(`xpm-${c.name}-limits-`);
    made.push(d);
    chmodSync(d, 0o755);
    if (c.user) spawnSync("chown", [c.user, d]);
    return d;
  };
  const submit = (ws: string, id: string) => {
    if (c.user) spawnSync("chown", ["-R", c.user, ws]);
    return driver(join(ws, "experiments", id, c.driver), c.user);
  };
  const processes = (needle: string) => spawnSync("pgrep", ["-af", needle], { encoding: "utf8" }).stdout.trim();
  const failed = (dir: string) => (existsSync(join(dir, "job.failed")) ? JSON.parse(readFileSync(join(dir, "job.failed"), "utf8")) : undefined);

  describe.skipIf(skipReason !== undefined)(`${c.name}: time limits, cancellations, values`, () => {
    let ws = "";
    let started = 0;
    const dirs = new Map<string, string>();
    const tag = `${process.pid}`;
    it("submits a job within its limit, one over it and one to cancel", () => {
      const dir = scratch();
      ws = join(dir, "ws");
      const yaml = join(dir, "limits.yaml");
      const jobs = [
        { label: "within", script: "sleep 150; echo finished", requirements: "duration=3m" },
        { label: "over", script: `bash -c 'sleep 511.${tag} & wait'`, requirements: "duration=1m" },
        { label: "cancel", script: `bash -c 'sleep 512.${tag} & wait'`, requirements: "duration=10m" },
      ];
      writeFileSync(yaml, stringify({ id: "limits", file: fixture("projects/runner/experiment.ts"), log: "../../../run.log", jobs }));
      chmodSync(yaml, 0o644);
      prepare(ws, yaml, c.launchers);
      started = Date.now();
      expect(submit(ws, "limits").status).toBe(0);
      for (const r of status(ws, "limits")) dirs.set(JSON.parse(readFileSync(join(ws, "jobs", r.key, "params.json"), "utf8")).params.label, join(ws, "jobs", r.key));
      expect([...dirs.keys()].sort()).toEqual(["cancel", "over", "within"]);
    });

    it("a cancelled job whose command forks ends cancelled and leaves no process behind", async () => {
      await waitUntil("the forked command to run", () => processes(`sleep 512.${tag}`) !== "", 120_000);
      cancel(readFileSync(join(dirs.get("cancel")!, `job.${c.name.toLowerCase()}-id`), "utf8").trim());
      await waitUntil("the cancelled job's marker", () => failed(dirs.get("cancel")!) !== undefined, 60_000);
      // SLURM signals the script (143); OAR kills the tree at once and the watcher writes the marker (137).
      expect(failed(dirs.get("cancel")!)).toMatchObject({ reason: "cancelled" });
      await waitUntil("its processes to end", () => processes(`sleep 512.${tag}`) === "", 30_000);
      const row = status(ws, "limits").find((r) => r.key.endsWith(dirs.get("cancel")!.split("/").pop()!))!;
      expect([row.state, row.detail]).toEqual(["failed", "cancelled"]);
    });

    it("a job over its 1-minute limit ends timeout at the limit, its forked command gone", async () => {
      await waitUntil("the over-limit job's marker", () => failed(dirs.get("over")!) !== undefined, 240_000);
      const seconds = (Date.now() - started) / 1000;
      expect(failed(dirs.get("over")!)).toMatchObject({ reason: "timeout" });
      expect(seconds).toBeGreaterThanOrEqual(55);
      expect(seconds).toBeLessThan(150);
      await waitUntil("its processes to end", () => processes(`sleep 511.${tag}`) === "", 30_000);
    }, 300_000);

    it("a job needing 150 s of a 3-minute limit completes", async () => {
      const within = dirs.get("within")!;
      await waitUntil("the 150 s job", () => existsSync(join(within, "job.done")) || failed(within) !== undefined, 300_000);
      expect(failed(within)).toBeUndefined();
      expect(readFileSync(join(within, "job.out"), "utf8")).toBe("finished\n");
      expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual(150);
    }, 320_000);

    it("a CR LF value reaches the command through the scheduler, byte for byte", async () => {
      const inject = join(scratch(), "ws");
      const values = ["CR LF\r\nnext", "~/x", "$(touch pwned)", "#OAR -l /nodes=1/core=64\n#SBATCH --time=1"];
      prepare(inject, fixture("projects/inject/normal"), c.launchers, ["-c", `values=${JSON.stringify(values)}`]);
      const r = submit(inject, "inject");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      await waitUntil("the inject job", () => status(inject, "inject").every((s) => s.state === "done" || s.state === "failed"), 120_000);
      const [row] = status(inject, "inject");
      expect(row!.state).toBe("done");
      expect(readFileSync(join(inject, "jobs", row!.key, "out.bin"), "utf8").split("\0").slice(0, -1)).toEqual(values);
    }, 150_000);
  });
}
