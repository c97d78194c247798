/**
 * OAR, declared: `#OAR` header from resolved resources, `OAR_JOB_ID=` ids, `oarstat -s` states.
 * oarsub -S takes the rest of a `#OAR` line verbatim (quotes included, as tried on OAR 2.5.9),
 * so values are written unquoted; launchers.yaml and type ids cannot hold a line break.
 * OAR has no afterok: `-a` (anterior) waits for the parent to end however it ended, so the job
 * script's own check of its parents' .done markers gives afterok semantics.
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import { formatDuration } from "../util/format.ts";
import { ALIVE, type Backend, type Scheduler, type StateTable } from "../model/backend.ts";
import { jobLabel } from "../model/workspace.ts";
import { extraDirectives, optionalValue } from "./options.ts";
import { oarDiscovery } from "./oar-discover.ts";

function resourceSpec(job: ResolvedJob): string {
  const r = job.resources;
  const parts = ["/nodes=1"];
  if (r.gpus > 0) parts.push(`/gpu=${r.gpus}`);
  parts.push(`/core=${r.cpus}`);
  return parts.join("") + (r.duration !== undefined ? `,walltime=${formatDuration(r.duration)}` : "");
}

/** OAR 2.5 documentation, "Job states" (as oarstat prints them). */
const STATES: StateTable = {
  Waiting: ["queued", "the job is waiting OAR scheduler decision."],
  Hold: ["queued", "user or administrator wants to hold the job (oarhold command). So it will not be scheduled by the system."],
  toAckReservation: ["queued", 'the OAR scheduler must say "YES" or "NO" to the waiting oarsub command because it requested a reservation.'],
  Suspended: ["queued", 'the job was in Running state and there was a request (oarhold with "-r" option) to suspend this job. In this state other jobs can be scheduled on the same resources.'],
  toLaunch: ["running", "the OAR scheduler has attributed some nodes to the job. So it will be launched."],
  Launching: ["running", "OAR has launched the job and will execute the user command on the first node."],
  Running: ["running", "the user command is executing on the first node."],
  Resuming: ["running", "the job was suspended and is being resumed."],
  Finishing: ["running", "the user command has terminated and OAR is doing work internally."],
  // A non-zero exit ends Terminated too (exit_code in oarstat -f): the job's markers say how it ended.
  Terminated: ["ended", "the job has terminated normally."],
  toError: ["failed", "something wrong occurred and the job is going into the error state."],
  Error: ["failed", "a problem has occurred."],
};

/**
 * OAR's job events (`oarstat -e`: `DATE> [ID] TYPE: description`), where oarstat -s says only
 * Error or Terminated: the events that say why a job ended, first first. At the walltime sarko
 * frags the job too (FRAG_JOB_REQUEST by oar), so WALLTIME comes first; the launch errors are
 * those that put a job in Error (NodeChangeState, OAR 2.5.9). Meanings from OAR's sources.
 */
const EVENTS: StateTable = {
  WALLTIME: ["timeout", "sarko: the job ran past its walltime and is killed."],
  BESTEFFORT_KILL: ["cancelled", "the scheduler kills a besteffort job to give its resources to another job."],
  FRAG_JOB_REQUEST: ["cancelled", "a user (oardel) or OAR asked that the job be killed."],
  PROLOGUE_ERROR: ["node-failure", "the node's prologue failed: the job was not launched."],
  CANNOT_CREATE_TMP_DIRECTORY: ["node-failure", "oarexec could not create its directory on the node."],
  CANNOT_WRITE_NODE_FILE: ["node-failure", "oarexec could not write the job's node file."],
  CANNOT_WRITE_PID_FILE: ["node-failure", "oarexec could not write its pid file."],
  LAUNCHING_OAREXEC_TIMEOUT: ["node-failure", "bipbip could not launch oarexec on the node in time."],
  SSH_TRANSFER_TIMEOUT: ["node-failure", "the transfer of oarexec to the node over ssh timed out."],
  BAD_HASHTABLE_DUMP: ["node-failure", "oarexec received a bad description of the job."],
  EXIT_VALUE_OAREXEC: ["node-failure", "oarexec ended with an unexpected exit value."],
  PING_CHECKER_NODE_SUSPECTED: ["node-failure", "a node of the job did not answer the ping checker."],
  CPUSET_ERROR: ["node-failure", "the cpuset of the job could not be set up on a node."],
  RESERVATION_NO_NODE: ["node-failure", "no node is alive for the reservation."],
  EXTERMINATE_JOB: ["node-failure", "OAR could not end the job properly and removed it."],
  USER_SHELL: ["node-failure", "the user's shell on the node is not valid."],
};

/** The states of a table in which the scheduler still holds a job, as an SQL list (`'Waiting','Hold',...`). */
function alive(table: StateTable): string {
  return Object.entries(table)
    .filter(([, [category]]) => ALIVE.includes(category))
    .map(([word]) => `'${word}'`)
    .join(",");
}

const scheduler: Scheduler = {
  name: "OAR",
  idExtension: "oar-id",
  driver: "submit-oar.sh",
  submit: { command: ["oarsub"], job: ["-d", "{dir}", "-S", "{script}"] },
  dependency: { flag: "-a" },
  // Admission rules print lines of their own on stdout; a refused job prints OAR_JOB_ID=-N.
  jobId: "^OAR_JOB_ID=([0-9]+)$",
  transient: "DB connection error|Resource temporarily unavailable",
  // A time-out of oarsub may come after the job is in OAR's database: looked for by its name
  // among this user's jobs OAR still holds (`1   W alice   0:00:00 R=1,...,N=<name> ...`).
  find: { command: ["oarstat", "-u", "{user}", "--sql", `job_name = '{name}' and state in (${alive(STATES)})`], line: "^([0-9]+) +[A-Za-z] " },
  // `1: Waiting`; an id OAR does not know is left out (exit 0); no reason, no name.
  status: {
    command: ["oarstat", "-s"],
    ids: { flag: "-j" },
    batch: 100,
    line: "^([0-9]+): ([A-Za-z]+)$",
    groups: { id: 1, state: 2, reason: 0, name: 0 },
    noReason: [],
    unknownIds: undefined,
  },
  // oarstat reads the database, which keeps every job, and its events: why a job ended in Error.
  accounting: {
    command: ["oarstat", "-e"],
    ids: { flag: "-j" },
    batch: 100,
    line: "^[0-9: -]+> \\[([0-9]+)\\] ([A-Z_]+): ",
    groups: { id: 1, state: 2, reason: 0, name: 0 },
    noReason: [],
    unknownIds: undefined,
    states: EVENTS,
    manual: "OAR 2.5.9 job event types (oarstat -e)",
  },
  states: STATES,
  manual: "OAR 2.5 documentation, Job states",
  blockedReasons: [],
  cancel: { command: ["oardel"], ids: {} },
  test: undefined,
  workdir: { variable: "OAR_WORKDIR", startsThere: true },
  // At the walltime oarexec kills the job's processes with SIGKILL (kill_children, OAR 2.5.9):
  // no trap runs, the state comes from oarstat. OAR can warn before it (`oarsub --checkpoint=<s>`,
  // with `--signal=<n>`, SIGUSR2 by default; the job script forwards USR2 like SLURM's USR1), not
  // declared here until checked against a live OAR.
  timeout: { signal: "KILL", warning: undefined },
  // No arrays here: `oarsub --array N` has no throttle and no correlated dependency (its `-a`
  // waits for a whole job), and it prints one OAR_JOB_ID per element all the same; each job is
  // submitted on its own, as before. No site limits either: the driver does not count what
  // a user has queued with OAR.
  arrays: undefined,
  limits: undefined,
  // No continuation: `-a <parent>` starts a child once the parent ends however it ended, and an
  // OAR job's anterior cannot be changed once submitted, so the children of an intermediate run
  // would start too early (and refuse to run without the parent's .done). A resumable task ends
  // `timeout` on OAR.
  continuation: undefined,
};

/** The `oar:` block of a launcher in launchers.yaml. */
const options = z.object({ queue: optionalValue, project: optionalValue, properties: optionalValue, extra: extraDirectives }).strict();

export const oarBackend: Backend = {
  key: "oar",
  options,
  directives: (job) => {
    const r = job.resources;
    const lines = [`#OAR -n ${jobLabel({ task: job.taskId, hash: job.hash }, "-")}`, `#OAR -l ${resourceSpec(job)}`, `#OAR -O ${job.name}.out`, `#OAR -E ${job.name}.err`];
    if (r.options.queue !== undefined) lines.push(`#OAR -q ${r.options.queue}`);
    if (r.options.project !== undefined) lines.push(`#OAR --project ${r.options.project}`);
    if (r.options.properties !== undefined) lines.push(`#OAR -p ${r.options.properties}`);
    return [...lines, ...r.extra.map((e) => `#OAR ${e}`)];
  },
  scheduler,
  discovery: oarDiscovery,
};
