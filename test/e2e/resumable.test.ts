/**
 * What `resumable` changes in the emitted files (the behaviour is shown on the real SLURM in
 * test/cluster/slurm-resume.test.ts): a SLURM job script of a resumable task carries the
 * continuation block and the driver lists the task's job as resumable; other jobs' scripts,
 * and every job elsewhere (local, OAR), are as before; all of it shellcheck-clean.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";

function prepared(launchers: string | undefined): string {
  const ws = tmp("xpm-resumable-");
  const config = launchers ? ["--xpm-config-dir", fixture("launchers", launchers)] : [];
  const r = cli(["run-experiment", fixture("projects/resume/normal"), "--run-mode", "prepare", "--workdir", ws, ...config]);
  expect(r.status, r.stderr).toBe(0);
  return ws;
}

const script = (ws: string, task: string, name: string) => {
  const base = join(ws, "jobs", task);
  return readFileSync(join(base, readdirSync(base)[0]!, `${name}.sh`), "utf8");
};

describe("resumable tasks, emitted", () => {
  it("on SLURM: the continuation block in the resumable job's script only, the job marked in the driver", () => {
    const ws = prepared("slurm");
    const work = script(ws, "resume.work", "work");
    expect(work).toContain("# ---- resumable task: continuation at the time limit (begin) ----");
    expect(work).toContain("xpm_cont_max=8 xpm_cont_n=0");
    expect(work).toContain('out=$(sbatch --parsable --dependency=afterany:"$old" "${xpm_words[@]}" 2>> work.err) || return 1');
    expect(work).toContain('if scontrol update "JobId=$cid" "Dependency=$xpm_dep" >> work.err 2>&1; then');
    expect(work).toContain("#SBATCH --signal=B:USR1@30");
    const report = script(ws, "resume.report", "report");
    expect(report).not.toContain("continuation");
    expect(report).toContain("#SBATCH --signal=B:USR1@60");
    const driver = readFileSync(join(ws, "experiments/resume/submit-slurm.sh"), "utf8");
    expect(driver).toMatch(/\nxpm_job 0 jobs\/resume\.work\/[0-9a-f]+ work resume\.Work\/[0-9a-f]{8} 0\nxpm_resumable 0\nxpm_job 1 /);
    if (spawnSync("shellcheck", ["--version"]).status === 0 || process.env.CI) {
      const base = join(ws, "jobs/resume.work");
      const files = [join(base, readdirSync(base)[0]!, "work.sh"), join(ws, "experiments/resume/submit-slurm.sh")];
      const r = spawnSync("shellcheck", ["--severity=style", ...files], { encoding: "utf8" });
      expect(r.stdout + r.stderr).toBe("");
    }
  });

  it("where no scheduler continues jobs (local, OAR), the script is a plain one", () => {
    for (const launchers of [undefined, "oar"]) {
      const ws = prepared(launchers);
      expect(script(ws, "resume.work", "work")).not.toContain("continuation");
      const drivers = readdirSync(join(ws, "experiments/resume"));
      for (const d of drivers.filter((f) => f.startsWith("submit-"))) expect(readFileSync(join(ws, "experiments/resume", d), "utf8")).not.toContain("\nxpm_resumable ");
    }
  });
});
