/**
 * SLURM: `#SBATCH` header from resolved resources, `sbatch --parsable` ids, `squeue` states.
 * Mappings follow the sbatch(1) and squeue(1) manual pages (SLURM 22.05).
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import { shellQuote } from "../util/shell.ts";
import type { Backend, SchedulerJobState } from "../model/backend.ts";
import { jobLabel } from "../model/workspace.ts";
import { extraDirectives, optionalValue } from "./options.ts";

/** `--time` format: `[D-]HH:MM:SS`, rounded up to the minute (SLURM's granularity). */
export function slurmTime(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** `--mem` in MiB (sbatch's default unit), rounded up. */
export function slurmMem(bytes: number): string {
  return `${Math.ceil(bytes / 1024 ** 2)}M`;
}

/** Sorted `--flag=value` pairs (`true`: a bare flag). */
function flags(job: ResolvedJob): [string, string | true][] {
  const r = job.resources;
  const out: [string, string | true][] = [
    ["--job-name", jobLabel({ task: job.taskId, hash: job.hash }, "-")],
    ["--cpus-per-task", String(r.cpus)],
    ["--output", `${job.name}.out`],
    ["--error", `${job.name}.err`],
    ["--open-mode", "append"],
    ["--kill-on-invalid-dep", r.killOnInvalidDep ? "yes" : "no"],
  ];
  if (r.duration !== undefined) {
    out.push(["--time", slurmTime(r.duration)]);
    // The batch shell gets USR1 a minute before the limit: the job script records a timeout.
    out.push(["--signal", "B:USR1@60"]);
  }
  if (r.memory !== undefined) out.push(["--mem", slurmMem(r.memory)]);
  if (r.gpus > 0) out.push(["--gres", `gpu:${r.gpus}`]);
  for (const k of ["partition", "account", "qos", "constraint"]) {
    const v = r.options[k];
    if (v !== undefined) out.push([`--${k}`, v]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// squeue(1) JOB STATE CODES.
const RUNNING = new Set(["RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "RESIZING", "SIGNALING"]);
const QUEUED = new Set(["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SUSPENDED", "STOPPED", "RESV_DEL_HOLD"]);

/** The `slurm:` block of a launcher in launchers.yaml. */
const options = z
  .object({
    partition: optionalValue,
    account: optionalValue,
    qos: optionalValue,
    constraint: optionalValue,
    extra: extraDirectives,
    kill_on_invalid_dep: z.boolean().default(true),
  })
  .strict();

export const slurmBackend: Backend = {
  key: "slurm",
  options,
  directives: (job) => [
    ...flags(job).map(([k, v]) => `#SBATCH ${v === true ? k : `${k}=${shellQuote(v)}`}`),
    ...job.resources.extra.map((e) => `#SBATCH ${e}`),
  ],
  scheduler: {
    submitCommand: "sbatch",
    idExtension: "slurm-id",
    driver: "submit-slurm.sh",
    // `--parsable` prints `JOBID` or `JOBID;CLUSTER`.
    parseJobId: (stdout) => /^\s*(\d+(?:_\d+)?)(?:;\S+)?\s*$/m.exec(stdout)?.[1],
    statusArgv: (ids) => ["squeue", "-h", "-t", "all", "-r", "-j", ids.join(","), "-o", "%i|%T|%r"],
    parseStatus: (stdout) => {
      const out = new Map<string, SchedulerJobState>();
      for (const line of stdout.split("\n")) {
        const [id, raw, reason] = line.trim().split("|");
        if (!id || !raw || !/^\d/.test(id)) continue;
        const r = reason && reason !== "None" && reason !== "(null)" ? reason : undefined;
        let state: SchedulerJobState["state"] = "finished";
        if (RUNNING.has(raw)) state = "running";
        else if (QUEUED.has(raw)) state = r === "DependencyNeverSatisfied" ? "blocked" : "queued";
        out.set(id, { state, raw, reason: r });
      }
      return out;
    },
  },
};
