/**
 * `jobs kill --perform` on a running SLURM job (real single-node SLURM, scripts/cluster/slurm-up.sh;
 * `npm run test:slurm`): scancel of the recorded id, the job ends `.failed` `cancelled`, its
 * dependents (afterok, --kill-on-invalid-dep) are blocked.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";
import { driver, prepare, schedulerOrSkip, waitUntil } from "./cluster.ts";

// On CI a SLURM that cannot start fails this file too (it skips loudly elsewhere).
const reason = schedulerOrSkip("slurm", "SLURM (jobs kill)");

interface Listed {
  job: string;
  task: string;
  state: string;
  detail: string | null;
  schedulerId: string | null;
  path: string;
}
const list = (ws: string): Listed[] => JSON.parse(cli(["jobs", "list", "--workdir", ws, "--json"]).stdout);

describe.skipIf(reason !== undefined)("jobs kill on SLURM", () => {
  it("scancels a running job: .failed cancelled, dependents blocked", async () => {
    const ws = tmp("xpm-slurm-kill-");
    prepare(ws, fixture("projects/inspect/normal"), "slurm");
    expect(driver(join(ws, "experiments/inspect/submit-slurm.sh")).status).toBe(0);
    await waitUntil("the Sleep job to run", () => list(ws).find((j) => j.task === "inspect.Sleep")?.state === "running");
    const sleep = list(ws).find((j) => j.task === "inspect.Sleep")!;
    expect(sleep.schedulerId).toMatch(/^\d+$/);

    const dry = cli(["jobs", "kill", "--workdir", ws, "--filter", '@state = "RUNNING"']);
    expect(dry.stdout).toContain(`would kill  running  ${sleep.job}  (slurm job ${sleep.schedulerId})`);
    const r = cli(["jobs", "kill", "--workdir", ws, "--filter", '@name = "inspect.Sleep"', "--perform"]);
    expect(r.stdout).toContain(`killed  ${sleep.job}  scancel ${sleep.schedulerId}`);
    expect(r.status).toBe(0);

    await waitUntil("the scheduler to settle", () => list(ws).every((j) => !["running", "queued", "submitted"].includes(j.state)));
    const after = list(ws);
    expect(after.find((j) => j.task === "inspect.Sleep")).toMatchObject({ state: "failed", detail: "cancelled" });
    const marker = readdirSync(sleep.path).find((f) => f.endsWith(".failed"))!;
    expect(JSON.parse(readFileSync(join(sleep.path, marker), "utf8")).reason).toBe("cancelled");
    expect(after.filter((j) => j.task === "inspect.After").map((j) => j.state)).toEqual(["blocked", "blocked"]);
    rmSync(ws, { recursive: true, force: true });
  });
});
