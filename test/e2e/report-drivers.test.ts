/**
 * `--report` on the bash drivers: status.sh and run-local.sh write experiments/<id>/report.html
 * through the `experimaestro` command when it is on PATH, and say how to make it elsewhere
 * (exit 1) when it is not; any other argument is refused.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, cli, fixture, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-report-drivers-");

describe("--report on the bash drivers", () => {
  it("run-local.sh and status.sh make the report through experimaestro, or say how", () => {
    const ws = join(scratch(), "ws");
    expect(cli(["run-experiment", fixture("projects/chain/normal"), "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
    const bin = join(scratch(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "experimaestro"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
    chmodSync(join(bin, "experimaestro"), 0o755);
    const report = join(ws, "experiments/chain/report.html");

    const without = spawnSync("bash", [join(ws, "experiments/chain/status.sh"), "--report"], { encoding: "utf8", env: { ...process.env, PATH: "/usr/bin:/bin" } });
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("--report needs the experimaestro command");
    expect(existsSync(report)).toBe(false);

    const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
    const run = spawnSync("bash", [join(ws, "experiments/chain/run-local.sh"), "--report"], { encoding: "utf8", env });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("report written to");
    expect(readFileSync(report, "utf8")).toContain('data-state="done"');

    const status = spawnSync("bash", [join(ws, "experiments/chain/status.sh"), "--report"], { encoding: "utf8", env });
    expect(status.status).toBe(0);
    expect(status.stdout.split("\n").filter((l) => l.endsWith("  done"))).toHaveLength(5);

    const bad = spawnSync("bash", [join(ws, "experiments/chain/status.sh"), "--bogus"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage:");
  });
});
