/**
 * What a backend declares (shell, slurm, oar, ...; src/backends/ has one file each). A scheduler
 * is declared as data: its submit words, how a dependency is written, the pattern of the id it
 * prints, the query that lists its jobs' states and the one table that says what each state
 * means. The bash drivers and status.sh are rendered from these declarations (emit/drivers.ts)
 * and `experimaestro status` reads them (submit/), so a scheduler is written down once. Callers
 * branch on declared capabilities, never on the key. Stages receive the registry as a `Backends`
 * value from the drivers (they never import src/backends/).
 *
 * Patterns are POSIX extended regular expressions that are also JavaScript regular expressions
 * with the same meaning (no `\d`, `\s`, `[[:classes:]]` or lazy quantifiers): bash matches them
 * with `[[ =~ ]]`, TypeScript with `RegExp`.
 */
import type { ZodType } from "zod";
import type { ResolvedJob } from "./plan.ts";

/**
 * A launcher's `<backend key>:` block of launchers.yaml once validated: string options (partition,
 * queue, ...), extra directives verbatim, and flags such as SLURM's `kill_on_invalid_dep`.
 */
export type LauncherBlock = { extra?: string[] } & Record<string, string | boolean | string[] | undefined>;

/**
 * What a scheduler state means here.
 * - queued: the scheduler will still run it (waiting for resources, a dependency, a hold, a requeue)
 * - running: it holds resources for it, or is finishing it
 * - blocked: it will never run, a job it depends on failed
 * - completed, failed, cancelled, timeout: it ended so
 * - node-failure: it ended because a node failed, or the scheduler failed to launch it (SLURM
 *   NODE_FAIL, BOOT_FAIL; OAR's launch errors): the command may never have run
 * - ended: it ended, and only the job's own markers say how (OAR Terminated, PBS F)
 */
export type SchedulerCategory = "queued" | "running" | "blocked" | "completed" | "failed" | "cancelled" | "timeout" | "node-failure" | "ended";

/** The categories that say why a job ended, shown as the reason of a job that left no marker. */
export const END_REASONS: readonly SchedulerCategory[] = ["failed", "cancelled", "timeout", "node-failure"];

/** The categories of a job the scheduler still holds: never submitted again while in one. */
export const ALIVE: readonly SchedulerCategory[] = ["queued", "running"];

/** A scheduler's states: the word it prints -> what it means here, and the manual's sentence for it. */
export type StateTable = Readonly<Record<string, readonly [SchedulerCategory, string]>>;

/**
 * How a list of job ids is written on a command line: `flag` before the list, or before each id
 * when there is no `join` (`-a 1 -a 2`); `prefix` before the joined list or each id
 * (`--dependency=afterok:` + `1:2`).
 */
export interface IdList {
  flag?: string;
  prefix?: string;
  join?: string;
}

/** A command that prints one line per job id it knows (squeue, oarstat -s, qstat, sacct). */
export interface StateQuery {
  /** The command and its fixed arguments; the ids are appended as `ids` says. */
  command: readonly string[];
  ids: IdList;
  /** Ids per call: a command line has a length limit. */
  batch: number;
  /** Pattern of one line of its output. */
  line: string;
  /** The groups of `line` that hold the id, the state word, the reason and the job name (0: not printed). */
  groups: { id: number; state: number; reason: number; name: number };
  /** Reason words that mean "no reason" (`None`). */
  noReason: readonly string[];
  /**
   * Pattern of the stderr lines with which it exits non-zero when it knows none of the ids (SLURM:
   * `Invalid job id specified`): that is an answer (the jobs are gone), not a failure.
   */
  unknownIds: string | undefined;
  /**
   * The words it prints when they are not the scheduler's states (OAR's event types), and what
   * each means. Their order is their precedence: of several lines about one id, the one whose
   * word comes first wins; lines with other words are left out.
   */
  states?: StateTable;
  /** Where those words and meanings are from. */
  manual?: string;
}

/**
 * How a scheduler runs arrays (SLURM `--array`): one submission for many jobs of the same header.
 * The driver submits an array script (emitted per group of jobs, templates/array.sh.hbs) that maps
 * the element's index to its job folder through a list file and runs that job's own script.
 */
export interface ArraySupport {
  /** The variable holding the element's index in the array script. */
  readonly indexVariable: string;
  /** The submit words of an array: `{indices}` its indices (`0-9` or `3,7`), `{throttle}` the throttle words (or nothing). */
  readonly words: readonly string[];
  /** How at most N elements at once is written after the indices (`%{n}`); undefined: the scheduler has no throttle. */
  readonly throttle: string | undefined;
  /** The largest number of elements of an array when the launcher declares none (indices run from 0 to it minus 1). */
  readonly maxSize: number;
  /** How an element's id is written (`{array}_{index}`), and the pattern that reads it back (groups: array id, index). */
  readonly element: string;
  readonly elementPattern: string;
  /**
   * The dependency words of an array element or a job: `prefix`, then kinds joined by `kindJoin`,
   * each its word and ids joined by `idJoin` (`--dependency=aftercorr:5,afterok:3:4`). `correlated`:
   * element i waits for element i of that array; `all`: for every listed id (an array id: all its
   * elements); `ended`: for the end of each, however it ended.
   */
  readonly dependency: { readonly prefix: string; readonly all: string; readonly correlated: string; readonly ended: string; readonly idJoin: string; readonly kindJoin: string };
  /** The words that submit an array script from the experiment folder (placeholders as in `submit.job`). */
  readonly job: readonly string[];
}

/** How the driver stays inside what a site lets one user queue (`max_submit`), and drains the rest later. */
export interface SubmitLimits {
  /** A command printing one line per job of `{user}` the scheduler holds (queued or running), array elements one by one. */
  readonly queued: readonly string[];
  /** The words that submit the continuation job (the driver, run again by the scheduler), placeholders as in `submit.job`. */
  readonly continuation: readonly string[];
  /** The words that hold a job until `{seconds}` from now (a continuation with nothing to wait for). */
  readonly delay: readonly string[];
}

export interface Scheduler {
  /** The scheduler's name in messages (`SLURM`). */
  readonly name: string;
  /** The recorded id of a job is kept in `<name>.<idExtension>` in its job directory. */
  readonly idExtension: string;
  /** The driver that `experiments/<id>/` gets (`submit-slurm.sh`). */
  readonly driver: string;
  readonly submit: {
    /** The submit command and its fixed flags (`sbatch --parsable`); the dependency words follow, then `job`. */
    readonly command: readonly string[];
    /**
     * The words of one job; the driver runs the command from the job's directory. Placeholders:
     * `{dir}` its absolute path, `{dir%}` the same with `%` doubled (for SLURM's filename patterns),
     * `{name}` the job's name, `{script}` `./<name>.sh`.
     */
    readonly job: readonly string[];
  };
  /** How the ids of the parents are written (SLURM `--dependency=afterok:1:2`, OAR `-a 1 -a 2`). */
  readonly dependency: IdList;
  /** Pattern of the submit command's stdout line that holds the new id (group 1). Its stderr is never read for it. */
  readonly jobId: string;
  /** Pattern of a submit or query error worth retrying, with a growing delay ("Socket timed out"). */
  readonly transient: string;
  /**
   * Lists this user's queued or running jobs of a name (`{name}`: the job's label, an array's
   * name or the continuation job's; `{user}`: the user), one per line: a single job's id matching
   * `line` (group 1), an array element's id matching `arrays.elementPattern` (one line per
   * element). A submission that timed out may have been accepted all the same, and is looked
   * for by its name before it is tried again. Undefined: tried again unchecked.
   */
  readonly find: { readonly command: readonly string[]; readonly line: string } | undefined;
  /** The states of recorded ids; `states` says what each state means. */
  readonly status: StateQuery;
  /**
   * The scheduler's record of how jobs ended (sacct, OAR's job events), asked about the ids
   * `status` no longer knows or says ended without saying why (`failed`, `ended`), when it is
   * there. What it says replaces what `status` said.
   */
  readonly accounting: StateQuery | undefined;
  /** One table for the driver, status.sh and `experimaestro status`, from the manual page `manual`. */
  readonly states: StateTable;
  readonly manual: string;
  /** Reasons that make a queued or ended job blocked (SLURM `DependencyNeverSatisfied`). */
  readonly blockedReasons: readonly string[];
  /** Cancels jobs: the command, then the ids. */
  readonly cancel: { readonly command: readonly string[]; readonly ids: IdList };
  /** A submission that only checks the script (`sbatch --test-only`), run once per distinct header before anything is submitted. */
  readonly test: readonly string[] | undefined;
  /**
   * The variable holding the directory the job was submitted from, and whether the job starts
   * there (SLURM --chdir, OAR -d) or must go there itself (PBS starts in $HOME).
   */
  readonly workdir: { readonly variable: string; readonly startsThere: boolean };
  /** Arrays, when the scheduler has them. */
  readonly arrays?: ArraySupport | undefined;
  /** Site limits and continuation jobs, when the scheduler can be asked what a user has queued. */
  readonly limits?: SubmitLimits | undefined;
  /** The signal the job gets at its time limit, and the early warning the job script is sent, if any. */
  readonly timeout: { readonly signal: string; readonly warning: { readonly signal: string; readonly seconds: number } | undefined };
  /**
   * How the job of a resumable task goes on after the time limit's warning (absent: it cannot,
   * and ends timeout): it submits itself again (the submit words) after its own end, then moves
   * each waiting dependent's dependency from its id onto the new one.
   */
  readonly continuation?: {
    /** The variable holding the running job's id (`SLURM_JOB_ID`). */
    readonly selfId: string;
    /** The words that make the next run wait for this one's end, however it ends (`--dependency=afterany:`), before the id. */
    readonly afterEnd: string;
    /** Prints one line about a job (`scontrol show job -o`), the id appended. */
    readonly show: readonly string[];
    /** In that line: a job still waiting, and its dependency (group 1), as POSIX extended patterns. */
    readonly pending: string;
    readonly dependency: string;
    /** Sets a job's dependency: `{id}` and `{dependency}` replaced. */
    readonly update: readonly string[];
  };
}

/** One command a backend reads its cluster's description from (`launchers <key> generate`). */
export interface DiscoveryCommand {
  /** Its key in a dump (`sinfo`, `qos`). */
  readonly key: string;
  /** The command; `{user}` is replaced by the user's name. */
  readonly argv: readonly string[];
  /** Without it nothing can be generated (else it only adds limits). */
  readonly required: boolean;
}

/** What one discovery command answered: exit status (`missing`: not on PATH), stdout and stderr. */
export interface CommandOutput {
  argv: string[];
  status: number | "missing";
  stdout: string;
  stderr: string;
}

/** One launcher of a generated launchers.yaml: comment lines above it, then its keys in order. */
export interface GeneratedLauncher {
  comments: string[];
  spec: Record<string, unknown>;
}

/** A generated launchers.yaml: header lines (what was read, what was not), the launchers. */
export interface GeneratedLaunchers {
  header: string[];
  launchers: GeneratedLauncher[];
}

/** How a backend describes a cluster as launchers: the commands to run and the pure generation from their outputs. */
export interface Discovery {
  readonly commands: readonly DiscoveryCommand[];
  /** Throws XpmError when the outputs cannot describe any launcher. */
  generate(outputs: ReadonlyMap<string, CommandOutput>): GeneratedLaunchers;
}

export interface Backend {
  /** The launcher type this backend serves (`local`, `slurm`, `oar`). */
  readonly key: string;
  /** The schema of this backend's block in launchers.yaml (`slurm: {partition: ...}`), if it has one. */
  readonly options: ZodType<LauncherBlock> | undefined;
  /** Script header lines (e.g. `#SBATCH --time=...`), from the job's resolved resources. */
  directives(job: ResolvedJob): string[];
  /** Present for batch schedulers; the shell backend has none. */
  readonly scheduler: Scheduler | undefined;
  /** Present when `experimaestro launchers <key> generate` can read the cluster. */
  readonly discovery?: Discovery;
}

/** The registry, as stages receive it. */
export interface Backends {
  /** The backend serving a launcher type (`local`, `slurm`, `oar`). */
  of(type: string): Backend;
  /** Every backend, in registry order (launchers.yaml accepts their keys as `type`). */
  all(): Backend[];
  /** Every backend that submits to a scheduler, in a stable order. */
  schedulers(): Backend[];
}

/** One line of a state query's output, as printed. */
export interface StateLine {
  raw: string;
  reason: string | undefined;
  name: string | undefined;
}

/**
 * What the scheduler's line about a recorded id means for the job named `jobName`: a category,
 * `absent` (no line: the scheduler does not know the id, or the id now names another job) or
 * `unknown` (a state missing from the table: treated as alive, never submitted again).
 */
export function categorize(s: Scheduler, line: StateLine | undefined, jobName: string): SchedulerCategory | "absent" | "unknown" {
  if (!line || (line.name !== undefined && line.name !== jobName)) return "absent";
  const category = (s.states[line.raw] ?? s.accounting?.states?.[line.raw])?.[0];
  if (!category) return "unknown";
  const blocking = line.reason !== undefined && s.blockedReasons.includes(line.reason);
  return blocking && category !== "running" && category !== "completed" ? "blocked" : category;
}

/** The categories of an ended job for which the scheduler's accounting may say more. */
export const UNEXPLAINED: readonly SchedulerCategory[] = ["failed", "ended"];

/** Whether a job's line (or its absence) leaves how it ended to the scheduler's accounting. */
export function askAccounting(s: Scheduler, line: StateLine | undefined): boolean {
  if (!line) return true;
  const category = s.states[line.raw]?.[0];
  return category !== undefined && UNEXPLAINED.includes(category);
}

/** The words of an id list on a command line. */
export function idWords(list: IdList, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const values = list.join !== undefined ? [ids.join(list.join)] : ids;
  return values.flatMap((v) => [...(list.flag !== undefined ? [list.flag] : []), `${list.prefix ?? ""}${v}`]);
}
