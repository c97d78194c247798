/**
 * SLURM, declared: `#SBATCH` header from resolved resources, `sbatch --parsable` ids, `squeue`
 * (and `sacct` when accounting is on) for states. Mappings follow the sbatch(1), squeue(1) and
 * sacct(1) manual pages of SLURM 22.05; what a live 22.05 did is in ../shared/cluster/README.md.
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import type { Backend, Scheduler, StateQuery, StateTable } from "../model/backend.ts";
import { jobLabel } from "../model/workspace.ts";
import { countValue, extraDirectives, optionalValue } from "./options.ts";
import { slurmDiscovery } from "./slurm-discover.ts";

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
  // "Socket timed out" may come after slurmctld took the job (sbatch(1), PERFORMANCE). `-r`:
  // an array one element a line (`12_3`), not `12_[0-5]`.
  find: { command: ["squeue", "-h", "--me", "-r", "-t", "PENDING,CONFIGURING,RUNNING,SUSPENDED", "-o", "%i", "-n", "{name}"], line: "^([0-9]+)$" },
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
  // At the limit SIGTERM, SIGKILL after KillWait; the batch shell (B:) gets USR1 a minute before
  // (half the limit for jobs under two minutes: SLURM checks limits every 30 s).
  timeout: { signal: "TERM", warning: { signal: "USR1", seconds: 60 } },
  // sbatch(1) --array: indices `0-9` or `3,7`, `%N` at most N at once; `aftercorr` makes element
  // i wait for element i of the other array. MaxArraySize (slurm.conf, 1001 by default) bounds
  // the indices (0 to MaxArraySize-1). The command line's --job-name/--output/--error win over
  // the array script's header (the first job's).
  arrays: {
    indexVariable: "SLURM_ARRAY_TASK_ID",
    words: ["--array={indices}{throttle}"],
    throttle: "%{n}",
    maxSize: 1001,
    element: "{array}_{index}",
    elementPattern: "^([0-9]+)_([0-9]+)$",
    dependency: { prefix: "--dependency=", all: "afterok:", correlated: "aftercorr:", ended: "afterany:", idJoin: ":", kindJoin: "," },
    job: ["--chdir={dir}", "--job-name={name}", "--output={dir%}/{name}.log", "--error={dir%}/{name}.log", "--open-mode=append", "{script}"],
  },
  // MaxSubmitJobs counts pending and running jobs, each array element as one (squeue -r).
  limits: {
    queued: ["squeue", "-h", "-r", "-u", "{user}", "-t", "PENDING,RUNNING,SUSPENDED,CONFIGURING,COMPLETING,REQUEUED,STOPPED", "-o", "%i"],
    continuation: ["--chdir={dir}", "--job-name=xpm-continue-{name}", "--output={dir%}/{name}.log", "--error={dir%}/{name}.log", "--open-mode=append", "--time=00:10:00", "--cpus-per-task=1", "--mem=256M", "--kill-on-invalid-dep=no", "{script}"],
    delay: ["--begin=now+{seconds}"],
  },
  // `scontrol show job -o`: `JobState=PENDING ... Dependency=afterok:12(unfulfilled),afterok:13(unfulfilled)`;
  // `scontrol update JobId=14 Dependency=afterok:15:13` replaces it (scontrol(1), SLURM 22.05).
  continuation: {
    selfId: "SLURM_JOB_ID",
    afterEnd: "--dependency=afterany:",
    show: ["scontrol", "show", "job", "-o"],
    pending: " JobState=PENDING ",
    dependency: " Dependency=([^ ]+)",
    update: ["scontrol", "update", "JobId={id}", "Dependency={dependency}"],
  },
};

/** The warning's lead for a job of `seconds`: the declared one, or half the (minute-rounded) limit when shorter. */
function warningLead(seconds: number, declared: number): number {
  return Math.min(declared, Math.ceil(seconds / 60) * 30);
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
    const warning = scheduler.timeout.warning;
    if (warning) out.push(["--signal", `B:${warning.signal}@${warningLead(r.duration, warning.seconds)}`]);
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
    // Arrays and site limits (read by the submit driver, not written in job headers).
    array_parallelism: countValue,
    max_array_size: countValue,
    max_submit: countValue,
    submit_rate: countValue,
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
  discovery: slurmDiscovery,
};
