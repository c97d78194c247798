/** Backends without a cluster: directives from resources, and parsers over canned scheduler output. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backends } from "../../src/backends/index.ts";
import { loadLaunchers } from "../../src/load/launchers.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { oarBackend } from "../../src/backends/oar.ts";
import { formatDuration } from "../../src/util/format.ts";
import { slurmBackend, slurmMem, slurmTime } from "../../src/backends/slurm.ts";
import type { ResolvedJob } from "../../src/model/plan.ts";

const slurm = slurmBackend.scheduler!;
const oar = oarBackend.scheduler!;

function job(resources: Partial<ResolvedJob["resources"]>): ResolvedJob {
  return {
    key: "x.learn/abc",
    taskId: "x.Learn",
    name: "Learn",
    hash: "0123456789abcdef".repeat(4),
    jobPath: "jobs/x.learn/abc",
    deps: [],
    command: [],
    initCommands: [],
    params: "{}\n",
    tags: {},
    requirements: undefined,
    launcher: undefined,
    retry: { max: 0, durationFactor: 1 },
    index: 0,
    dependents: [],
    resources: { launcher: "l", backend: "slurm", cpus: 4, memory: undefined, duration: undefined, gpus: 0, options: {}, extra: [], killOnInvalidDep: true, env: [], ...resources },
  };
}

describe("SLURM directives", () => {
  it("formats time as [D-]HH:MM:SS rounded up to the minute, and memory in MiB", () => {
    expect(slurmTime(59)).toBe("00:01:00");
    expect(slurmTime(3600)).toBe("01:00:00");
    expect(slurmTime(2 * 86400 + 3 * 3600 + 61)).toBe("2-03:02:00");
    expect(slurmMem(16 * 1024 ** 3)).toBe("16384M");
    expect(slurmMem(1e9)).toBe("954M");
  });

  it("sorted flags from resources, quoted values, extra directives last", () => {
    const lines = slurmBackend.directives(
      job({ duration: 7200, memory: 8 * 1024 ** 3, gpus: 2, options: { partition: "gpu", account: "my team", qos: "high", constraint: "a100" }, extra: ["--exclusive"], killOnInvalidDep: false }),
    );
    expect(lines).toEqual([
      "#SBATCH --account='my team'",
      "#SBATCH --constraint=a100",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --error=Learn.err",
      "#SBATCH --gres=gpu:2",
      "#SBATCH --job-name=x.Learn-01234567",
      "#SBATCH --kill-on-invalid-dep=no",
      "#SBATCH --mem=8192M",
      "#SBATCH --open-mode=append",
      "#SBATCH --output=Learn.out",
      "#SBATCH --partition=gpu",
      "#SBATCH --qos=high",
      "#SBATCH --signal=B:USR1@60",
      "#SBATCH --time=02:00:00",
      "#SBATCH --exclusive",
    ]);
  });
});

describe("SLURM parsers (canned output)", () => {
  it("reads sbatch --parsable ids, with or without a cluster name, and array ids", () => {
    expect(slurm.parseJobId("1234\n")).toBe("1234");
    expect(slurm.parseJobId("1234;cluster-a\n")).toBe("1234");
    expect(slurm.parseJobId("987_3")).toBe("987_3");
    expect(slurm.parseJobId("sbatch: error: Batch job submission failed: Requested node configuration is not available\n")).toBeUndefined();
    expect(slurm.parseJobId("")).toBeUndefined();
  });

  it("maps every squeue state; DependencyNeverSatisfied is blocked, never waiting", () => {
    const out = [
      "10|PENDING|Dependency",
      "11|PENDING|DependencyNeverSatisfied",
      "12|PENDING|Resources",
      "13|RUNNING|None",
      "14|COMPLETING|None",
      "15|COMPLETED|None",
      "16|FAILED|NonZeroExitCode",
      "17|CANCELLED|DependencyNeverSatisfied",
      "18|TIMEOUT|TimeLimit",
      "19|OUT_OF_MEMORY|OutOfMemory",
      "20|NODE_FAIL|None",
      "21|PREEMPTED|None",
      "22|BOOT_FAIL|None",
      "23|DEADLINE|None",
      "24_1|RUNNING|None",
      "slurm_load_jobs error: Invalid job id specified",
    ].join("\n");
    const s = slurm.parseStatus(out);
    expect(s.get("10")).toEqual({ state: "queued", raw: "PENDING", reason: "Dependency" });
    expect(s.get("11")!.state).toBe("blocked");
    expect(s.get("12")!.state).toBe("queued");
    expect(s.get("13")!.state).toBe("running");
    expect(s.get("14")!.state).toBe("running");
    for (const id of ["15", "16", "17", "18", "19", "20", "21", "22", "23"]) expect(s.get(id)!.state, id).toBe("finished");
    expect(s.get("24_1")!.state).toBe("running");
    expect(s.has("99")).toBe(false);
    expect(s.size).toBe(15);
  });

  it("asks squeue for every state of the given ids", () => {
    expect(slurm.statusArgv(["1", "2"])).toEqual(["squeue", "-h", "-t", "all", "-r", "-j", "1,2", "-o", "%i|%T|%r"]);
  });
});

describe("OAR", () => {
  it("writes the resource line with walltime, and options verbatim (oarsub reads them so)", () => {
    expect(formatDuration(90061)).toBe("25:01:01");
    const lines = oarBackend.directives(job({ backend: "oar", cpus: 2, duration: 3600, gpus: 1, options: { queue: "besteffort", project: "ml", properties: "gpu_model='V100'" } }));
    expect(lines).toEqual([
      "#OAR -n x.Learn-01234567",
      "#OAR -l /nodes=1/gpu=1/core=2,walltime=1:00:00",
      "#OAR -O Learn.out",
      "#OAR -E Learn.err",
      "#OAR -q besteffort",
      "#OAR --project ml",
      "#OAR -p gpu_model='V100'",
    ]);
  });

  it("reads OAR_JOB_ID and ignores failed submissions (negative ids)", () => {
    expect(oar.parseJobId("[ADMISSION RULE] Set default walltime to 7200.\nOAR_JOB_ID=4242\n")).toBe("4242");
    expect(oar.parseJobId("OAR_JOB_ID=-5\n[ERROR] Oarsub failed, please verify your request syntax.")).toBeUndefined();
    expect(oar.parseJobId("")).toBeUndefined();
  });

  it("maps every oarstat -s state", () => {
    const out = ["1: Waiting", "2: Hold", "3: toLaunch", "4: Launching", "5: Running", "6: Finishing", "7: Terminated", "8: Error", "9: Suspended", "10: Resuming", "11: toAckReservation", "12: toError", "13: Weird"].join("\n");
    const s = oar.parseStatus(out);
    const states = [...s.entries()].map(([id, v]) => `${id}=${v.state}`);
    expect(states).toEqual([
      "1=queued",
      "2=queued",
      "3=running",
      "4=running",
      "5=running",
      "6=running",
      "7=finished",
      "8=finished",
      "9=queued",
      "10=running",
      "11=queued",
      "12=queued",
      "13=unknown",
    ]);
    expect(oar.statusArgv(["3", "4"])).toEqual(["oarstat", "-s", "-j", "3", "-j", "4"]);
  });
});

describe("the registry", () => {
  const launchersYaml = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "xpm-backends-"));
    writeFileSync(join(dir, "launchers.yaml"), text);
    return dir;
  };
  const problem = (dir: string): string => {
    try {
      loadLaunchers(dir, backends);
    } catch (e) {
      return (e as XpmError).diagnostics.map((d) => `${d.message} ${d.hint}`).join("\n");
    }
    return "";
  };

  it("decides the launcher types launchers.yaml accepts, and each backend's option block", () => {
    const keys = backends.all().map((b) => b.key);
    const text = keys.map((k) => `  - id: l-${k}\n    type: ${k}\n`).join("");
    expect(loadLaunchers(launchersYaml(`launchers:\n${text}`), backends).launchers.map((l) => l.type)).toEqual(keys);
    expect(problem(launchersYaml("launchers:\n  - id: a\n    type: lsf\n"))).toContain(`use one of: ${keys.join(", ")}`);
    for (const b of backends.all().filter((x) => x.options)) {
      const other = keys.find((k) => k !== b.key)!;
      expect(problem(launchersYaml(`launchers:\n  - id: a\n    type: ${other}\n    ${b.key}: {extra: []}\n`))).toContain(`has ${b.key} options but type ${other}`);
    }
  });
});
