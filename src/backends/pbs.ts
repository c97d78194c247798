/**
 * PBS (PBS Professional / OpenPBS), declared: `#PBS` header from resolved resources, `qsub` ids
 * (`1234.server`), `qstat -x` states, `-W depend=afterok:` chains. From the qsub(1B) and
 * qstat(1B) manual pages of OpenPBS; no PBS server exists in Debian, so the tests read canned
 * qsub and qstat output (test/unit/backends.test.ts, test/e2e/drivers.test.ts).
 * A PBS job starts in $HOME: its script goes to $PBS_O_WORKDIR, the directory qsub ran in (the
 * driver runs qsub from the job's directory). PBS copies the job's own stdout/stderr back only
 * when it ends, so they go to `<name>.pbs.out/.err`: the command's output stays in `<name>.out/.err`.
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import type { Backend, Scheduler, StateTable } from "../model/backend.ts";
import { formatDuration } from "../util/format.ts";
import { jobLabel } from "../model/workspace.ts";
import { extraDirectives } from "./options.ts";

/** qstat(1B), "The job's state" (S column). */
const STATES: StateTable = {
  Q: ["queued", "Job is queued"],
  H: ["queued", "Job is held"],
  W: ["queued", "Job is waiting for its submitter-assigned start time to be reached"],
  S: ["queued", "Job is suspended"],
  U: ["queued", "Cycle-harvesting job is suspended due to keyboard activity"],
  T: ["queued", "Job is being moved to new location"],
  M: ["queued", "Job was moved to another server"],
  B: ["running", "Array job has at least one subjob running"],
  R: ["running", "Job is running"],
  E: ["running", "Job is exiting after having run"],
  // Finished, however it ended (Exit_status in qstat -f): the job's markers say how.
  F: ["ended", "Job is finished"],
  X: ["ended", "Subjob has completed execution or has been deleted"],
};

const scheduler: Scheduler = {
  name: "PBS",
  idExtension: "pbs-id",
  driver: "submit-pbs.sh",
  submit: { command: ["qsub"], job: ["{script}"] },
  dependency: { flag: "-W", prefix: "depend=afterok:", join: ":" },
  // qsub prints `<sequence number>.<server>`.
  jobId: "^([0-9]+(\\.[A-Za-z0-9_-]+)*)$",
  transient: "cannot connect to server|Connection timed out|Resource temporarily unavailable",
  find: undefined,
  // Default format with -w (wide): `Job id  Name  User  Time Use  S  Queue`; -x: finished jobs too
  // (while the server keeps job history). An unknown id: `qstat: Unknown Job Id <id>`, non-zero exit.
  status: {
    command: ["qstat", "-x", "-w"],
    ids: {},
    batch: 100,
    line: "^([0-9][^ ]*) +[^ ]+ +[^ ]+ +[^ ]+ +([A-Z]) +[^ ]+ *$",
    groups: { id: 1, state: 2, reason: 0, name: 0 },
    noReason: [],
    unknownIds: "Unknown Job Id",
  },
  accounting: undefined,
  states: STATES,
  manual: "qstat(1B), the job's state (OpenPBS)",
  // A job whose afterok parent failed is deleted by the server: it ends F.
  blockedReasons: [],
  cancel: { command: ["qdel"], ids: {} },
  test: undefined,
  workdir: { variable: "PBS_O_WORKDIR", startsThere: false },
  // At the walltime the MoM sends SIGTERM, then SIGKILL after the queue's kill_delay.
  timeout: { signal: "TERM", warning: undefined },
};

/** `-l select=1:ncpus=N[:mem=Mmb][:ngpus=G]`, memory in MiB rounded up. */
function select(job: ResolvedJob): string {
  const r = job.resources;
  const mem = r.memory !== undefined ? `:mem=${Math.ceil(r.memory / 1024 ** 2)}mb` : "";
  return `select=1:ncpus=${r.cpus}${mem}${r.gpus > 0 ? `:ngpus=${r.gpus}` : ""}`;
}

/** PBS names (queues, accounts, projects): no space or quote, which a #PBS line would split on. */
const name = z.string().regex(/^[A-Za-z0-9_.@+-]+$/, "use letters, digits and . _ @ + -").optional();

/** The `pbs:` block of a launcher in launchers.yaml. */
const options = z.object({ queue: name, account: name, project: name, extra: extraDirectives }).strict();

export const pbsBackend: Backend = {
  key: "pbs",
  options,
  directives: (job) => {
    const r = job.resources;
    const lines = [`#PBS -N ${jobLabel({ task: job.taskId, hash: job.hash }, "-")}`, `#PBS -l ${select(job)}`];
    if (r.duration !== undefined) lines.push(`#PBS -l walltime=${formatDuration(r.duration)}`);
    lines.push(`#PBS -o ${job.name}.pbs.out`, `#PBS -e ${job.name}.pbs.err`);
    if (r.options.queue !== undefined) lines.push(`#PBS -q ${r.options.queue}`);
    if (r.options.account !== undefined) lines.push(`#PBS -A ${r.options.account}`);
    if (r.options.project !== undefined) lines.push(`#PBS -P ${r.options.project}`);
    // After the last directive (qsub stops reading them at the first command): into the job's folder.
    return [...lines, ...r.extra.map((e) => `#PBS ${e}`), `cd "\${${scheduler.workdir.variable}:-.}" || exit 1`];
  },
  scheduler,
};
