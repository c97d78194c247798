/**
 * On a real single-node SLURM (scripts/cluster/slurm-up.sh). Run with `npm run test:slurm`;
 * when SLURM cannot be started it fails on CI (CI=true) and skips loudly elsewhere.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { schedulerOrSkip, waitUntil } from "./cluster.ts";
import { schedulerScenarios, status } from "./scenarios.ts";

const reason = schedulerOrSkip("slurm", "SLURM");

schedulerScenarios(
  {
    name: "SLURM",
    launchers: "slurm",
    driver: "submit-slurm.sh",
    user: undefined,
    // --kill-on-invalid-dep: nothing is left pending forever behind the failed job.
    afterFailure: () => expect(spawnSync("squeue", ["-h", "-t", "PENDING", "-o", "%i|%r"], { encoding: "utf8" }).stdout.trim()).toBe(""),
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
