/**
 * SLURM, declared: `#SBATCH` header from resolved resources, `sbatch --parsable` ids, `squeue`
 * (and `sacct` when accounting is on) for states. Mappings follow the sbatch(1), squeue(1) and
 * sacct(1) manual pages of SLURM 22.05; what a live 22.05 did is in ../shared/cluster/README.md.
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import type { Backend, Scheduler, StateQuery, StateTable } from "../model/backend.ts";
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

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * D13: a value as sbatch reads it on an `#SBATCH` line: quotes group, a backslash escapes the
 * next character even inside quotes, and an unquoted `#` starts a comment (_get_argument in
 * sbatch's opt.c). So a value is single-quoted with its backslashes and single quotes escaped;
 * bash never reads these lines (they are comments to it).
 */
export function sbatchQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** squeue(1), JOB STATE CODES (SLURM 22.05); sacct(1) prints the same words. */
const STATES: StateTable = {
  PENDING: ["queued", "Job is awaiting resource allocation."],
  REQUEUED: ["queued", "Completing job is being requeued."],
  REQUEUE_HOLD: ["queued", "Held job is being requeued."],
  REQUEUE_FED: ["queued", "Job is being requeued by a federation."],
  RESV_DEL_HOLD: ["queued", "Job is being held after requested reservation was deleted."],
  SPECIAL_EXIT: ["queued", "The job was requeued in a special state. This state can be set by users, typically in EpilogSlurmctld, if the job has terminated with a particular exit value."],
  SUSPENDED: ["queued", "Job has an allocation, but execution has been suspended and CPUs have been released for other jobs."],
  STOPPED: ["queued", "Job has an allocation, but execution has been stopped with SIGSTOP signal. CPUS have been retained by this job."],
  CONFIGURING: ["running", "Job has been allocated resources, but are waiting for them to become ready for use (e.g. booting)."],
  RUNNING: ["running", "Job currently has an allocation."],
  COMPLETING: ["running", "Job is in the process of completing. Some processes on some nodes may still be active."],
  RESIZING: ["running", "Job is about to change size."],
  SIGNALING: ["running", "Job is being signaled."],
  STAGE_OUT: ["running", "Job is staging out files."],
  COMPLETED: ["completed", "Job has terminated all processes on all nodes with an exit code of zero."],
  FAILED: ["failed", "Job terminated with non-zero exit code or other failure condition."],
  BOOT_FAIL: ["node-failure", "Job terminated due to launch failure, typically due to a hardware failure (e.g. unable to boot the node or block and the job can not be requeued)."],
  NODE_FAIL: ["node-failure", "Job terminated due to failure of one or more allocated nodes."],
  OUT_OF_MEMORY: ["failed", "Job experienced out of memory error."],
  CANCELLED: ["cancelled", "Job was explicitly cancelled by the user or system administrator. The job may or may not have been initiated."],
  PREEMPTED: ["cancelled", "Job terminated due to preemption."],
  REVOKED: ["cancelled", "Sibling was removed from cluster due to other cluster starting the job."],
  TIMEOUT: ["timeout", "Job terminated upon reaching its time limit."],
  DEADLINE: ["timeout", "Job terminated on deadline."],
};

/** `%i|%T|%r|%j`: id (`123` or `123_4` for an array task), state, reason, job name. */
const squeue: StateQuery = {
  command: ["squeue", "-h", "-t", "all", "-r", "-o", "%i|%T|%r|%j"],
  ids: { flag: "-j", join: "," },
  batch: 500,
  line: "^([0-9]+(_[0-9]+)?)\\|([A-Z_]+)\\|([^|]*)\\|(.*)$",
  groups: { id: 1, state: 3, reason: 4, name: 5 },
  noReason: ["None", "(null)"],
  // squeue knows a finished job for MinJobAge only; then: "slurm_load_jobs error: Invalid job id specified", exit 1.
  unknownIds: "Invalid job id specified",
};

/** Accounting (slurmdbd), for jobs squeue forgot; sacct prints `CANCELLED by 0` and the like. */
const sacct: StateQuery = {
  command: ["sacct", "-n", "-P", "-X", "-o", "JobID,State,Reason,JobName"],
  ids: { flag: "-j", join: "," },
  batch: 500,
  line: "^([0-9]+(_[0-9]+)?)\\|([A-Z_]+)[^|]*\\|([^|]*)\\|(.*)$",
  groups: { id: 1, state: 3, reason: 4, name: 5 },
  noReason: ["None", "(null)"],
  unknownIds: undefined,
};

const scheduler: Scheduler = {
  name: "SLURM",
  idExtension: "slurm-id",
  driver: "submit-slurm.sh",
  // D6: slurmstepd expands filename patterns (%j, %u, ...) over the whole --output path, the
  // working directory included: the driver passes absolute paths with every % doubled (they
  // override the script's relative `#SBATCH --output`, which stays byte-stable).
  submit: { command: ["sbatch", "--parsable"], job: ["--chdir={dir}", "--output={dir%}/{name}.out", "--error={dir%}/{name}.err", "{script}"] },
  dependency: { prefix: "--dependency=afterok:", join: ":" },
  // `--parsable` prints `JOBID` or `JOBID;CLUSTER`.
  jobId: "^([0-9]+)(;[^;]+)?$",
  transient: "Socket timed out|Resource temporarily unavailable|Unable to contact slurm controller",
  // "Socket timed out" may come after slurmctld took the job (sbatch(1), PERFORMANCE).
  find: { command: ["squeue", "-h", "--me", "-t", "PENDING,CONFIGURING,RUNNING,SUSPENDED", "-o", "%i", "-n"], line: "^([0-9]+)$" },
  status: squeue,
  accounting: sacct,
  states: STATES,
  manual: "squeue(1), JOB STATE CODES (SLURM 22.05)",
  // A job whose afterok parent failed stays PENDING with this reason forever, or is CANCELLED
  // with it under --kill-on-invalid-dep=yes.
  blockedReasons: ["DependencyNeverSatisfied"],
  cancel: { command: ["scancel"], ids: {} },
  test: ["sbatch", "--test-only"],
  workdir: { variable: "SLURM_SUBMIT_DIR", startsThere: true },
  // At the limit SIGTERM, SIGKILL after KillWait; the batch shell (B:) gets USR1 a minute before.
  timeout: { signal: "TERM", warning: { signal: "USR1", seconds: 60 } },
};

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
    const warning = scheduler.timeout.warning;
    if (warning) out.push(["--signal", `B:${warning.signal}@${warning.seconds}`]);
  }
  if (r.memory !== undefined) out.push(["--mem", slurmMem(r.memory)]);
  if (r.gpus > 0) out.push(["--gres", `gpu:${r.gpus}`]);
  for (const k of ["partition", "account", "qos", "constraint"]) {
    const v = r.options[k];
    if (v !== undefined) out.push([`--${k}`, v]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

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
    ...flags(job).map(([k, v]) => `#SBATCH ${v === true ? k : `${k}=${sbatchQuote(v)}`}`),
    ...job.resources.extra.map((e) => `#SBATCH ${e}`),
  ],
  scheduler,
};
