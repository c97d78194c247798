/**
 * End to end on this machine: the example through the CLI, the bash-only driver, failures and
 * their dependents, re-runs that only run what is left, and hostile parameter values.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp, tree, errorsIn, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders();

function markers(ws: string, ext: string): string[] {
  return [...tree(ws).keys()].filter((p) => p.startsWith("jobs/") && p.endsWith(`.${ext}`)).sort();
}

describe("the grid example on the local runner", () => {
  it("runs end to end, then a second run runs nothing", () => {
    const ws = scratch();
    const first = cli(["run-experiment", "examples/grid/normal", "--workdir", ws]);
    expect(errorsIn(first.stderr)).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/13 jobs: 0 already done, 13 ran, 0 failed/);
    expect(markers(ws, "done")).toHaveLength(13);
    const report = readdirSync(join(ws, "jobs/grid.report"));
    const table = readFileSync(join(ws, "jobs/grid.report", report[0]!, "results.md"), "utf8");
    expect(table).toContain("| lr | seed |");
    expect(table.split("\n").filter((l) => /^\| 0\./.test(l))).toHaveLength(6);
    expect(first.stdout).toContain(`jobs/grid.report/${report[0]}/`);

    const second = cli(["run-experiment", "examples/grid/normal", "--workdir", ws]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("nothing to run: all 13 jobs are already done");
    expect(second.stdout).not.toContain("started");
  });

  it("run-local.sh runs a fresh prepare to the same .done markers with bash alone", () => {
    const viaCli = scratch();
    cli(["run-experiment", "examples/grid/normal", "--workdir", viaCli]);
    const ws = scratch();
    expect(cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
    expect(markers(ws, "done")).toHaveLength(0);
    const r = spawnSync("bash", [join(ws, "experiments/grid/run-local.sh")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("13 jobs: 0 already done, 13 ran, 0 failed, blocked or busy");
    expect(markers(ws, "done")).toEqual(markers(viaCli, "done"));
    // The same results, byte for byte: the jobs are deterministic.
    const report = readdirSync(join(ws, "jobs/grid.report"))[0]!;
    expect(readFileSync(join(ws, "jobs/grid.report", report, "results.md"))).toEqual(readFileSync(join(viaCli, "jobs/grid.report", report, "results.md")));
    const again = spawnSync("bash", [join(ws, "experiments/grid/run-local.sh")], { encoding: "utf8" });
    expect(again.stdout).toContain("13 jobs: 13 already done, 0 ran");
  }, 180_000);

  it("status.sh reports each job's state from its markers", () => {
    const ws = scratch();
    cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws]);
    const before = spawnSync("bash", [join(ws, "experiments/grid/status.sh")], { encoding: "utf8" }).stdout;
    expect(before.trim().split("\n").every((l) => l.endsWith("  todo"))).toBe(true);
    spawnSync("bash", [join(ws, "experiments/grid/run-local.sh")]);
    const after = spawnSync("bash", [join(ws, "experiments/grid/status.sh")], { encoding: "utf8" }).stdout;
    expect(after.trim().split("\n")).toHaveLength(13);
    expect(after.trim().split("\n").every((l) => l.endsWith("  done"))).toBe(true);
  });
});

describe("a failing job", () => {
  const project = fixture("projects/chain/normal");

  it("blocks its dependents, exits non-zero, and a fixed re-run runs only the failed subtree", () => {
    const ws = scratch();
    const log = join(ws, "..", `chain-${Date.now()}.log`);
    scratch.track(log);
    const failing = cli(["run-experiment", project, "--workdir", ws, "-c", "fail_b=true", "-c", `log=${log}`, "-j", "1"]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/5 jobs: 0 already done, 2 ran, 1 failed, 2 blocked by a failed dependency/);
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "d"]);
    const failed = markers(ws, "failed").map((p) => JSON.parse(readFileSync(join(ws, p), "utf8")));
    expect(failed.map((f) => f.reason).sort()).toEqual(["dependency", "dependency", "failed"]);
    expect(failed.find((f) => f.reason === "failed").code).toBe(3);
    expect(failing.stdout).toMatch(/failed \(failed, exit 3\).*step\.err/);
    // One vocabulary: status.sh and `experimaestro status` name each job's state alike.
    const status = cli(["status", ws, "chain", "--json"]);
    expect(status.status).toBe(1);
    const rows = JSON.parse(status.stdout) as { task: string; hash: string; state: string }[];
    expect(rows.map((r) => r.state).sort()).toEqual(["blocked", "blocked", "done", "done", "failed"]);
    const sh = spawnSync("bash", [join(ws, "experiments/chain/status.sh")], { encoding: "utf8" }).stdout.trim().split("\n");
    expect(sh.map((l) => l.split("  ")[1]!.split(" ")[0]).sort()).toEqual(rows.map((r) => r.state).sort());

    writeFileSync(log, "");
    const fixed = cli(["run-experiment", project, "--workdir", ws, "-c", "fail_b=false", "-c", `log=${log}`]);
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/5 jobs: 2 already done, 3 ran, 0 failed/);
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["b", "c", "e"]);
    expect(markers(ws, "done")).toHaveLength(5);
    expect(markers(ws, "failed")).toHaveLength(0);
  });

  it("run-local.sh skips the dependents of a failure and marks them `dependency`", () => {
    const ws = scratch();
    const log = join(ws, "..", `chain-local-${Date.now()}.log`);
    scratch.track(log);
    cli(["run-experiment", project, "--run-mode", "prepare", "--workdir", ws, "-c", "fail_b=true", "-c", `log=${log}`]);
    const r = spawnSync("bash", [join(ws, "experiments/chain/run-local.sh")], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "d"]);
    const reasons = markers(ws, "failed").map((p) => JSON.parse(readFileSync(join(ws, p), "utf8")).reason);
    expect(reasons.sort()).toEqual(["dependency", "dependency", "failed"]);
  });
});

describe("hostile parameter values", () => {
  const values = [
    '"; rm -rf ~; echo "',
    "$(touch pwned)",
    "`touch pwned-backtick`",
    "first line\nsecond line",
    `it's "quoted" and 'single'`,
    "a\\b $HOME ${HOME} * ? [x] ~ | & ; < > #",
    "",
    "~/x",
    "CR LF\r\nand a lone CR\r, a tab\t, an escape \x1b[31m, DEL \x7f",
    "#OAR -l /nodes=1/core=64\n#SBATCH --time=1",
    "ends in a backslash \\",
  ];

  for (const via of ["runner", "run-local.sh"]) {
    it(`reach the command unchanged and execute nothing (${via})`, () => {
      const cwd = scratch();
      const home = join(cwd, "home");
      mkdirSync(home);
      writeFileSync(join(home, "sentinel"), "still here");
      const ws = join(cwd, "ws");
      const env = { HOME: home };
      const mode = via === "runner" ? "normal" : "prepare";
      const r = cli(["run-experiment", fixture("projects/inject/normal"), "--workdir", ws, "--run-mode", mode], { cwd, env });
      expect(errorsIn(r.stderr)).toBe("");
      if (via !== "runner") spawnSync("bash", [join(ws, "experiments/inject/run-local.sh")], { cwd, env: { ...process.env, ...env } });
      const jobDir = join(ws, "jobs/inject.echo", readdirSync(join(ws, "jobs/inject.echo"))[0]!);
      const got = readFileSync(join(jobDir, "out.bin"), "utf8").split("\0").slice(0, -1);
      expect(got).toEqual(values);
      for (const dir of [cwd, ws, jobDir, home]) {
        expect(existsSync(join(dir, "pwned")), dir).toBe(false);
        expect(existsSync(join(dir, "pwned-backtick")), dir).toBe(false);
      }
      expect(readFileSync(join(home, "sentinel"), "utf8")).toBe("still here");
    });
  }
});
