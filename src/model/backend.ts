/**
 * The small contract every backend implements (shell, slurm, oar; PBS would be one more file
 * plus a registry line). Backends return data — directive lines, argv arrays, parsed ids and
 * states — and shared code renders and spawns. Callers branch on declared capabilities
 * (`scheduler` present or not), never on the key. The implementations are in src/backends/;
 * stages receive them as a `Backends` value from the driver (they never import src/backends/).
 */
import type { ZodType } from "zod";
import type { ResolvedJob } from "./plan.ts";

/**
 * A launcher's `<backend key>:` block of launchers.yaml once validated: string options (partition,
 * queue, ...), extra directives verbatim, and flags such as SLURM's `kill_on_invalid_dep`.
 */
export type LauncherBlock = { extra?: string[] } & Record<string, string | boolean | string[] | undefined>;

/** A scheduler's view of one job, normalised. */
export interface SchedulerJobState {
  /** queued: waiting for resources or a dependency; blocked: waiting on a dependency that failed. */
  state: "queued" | "running" | "blocked" | "finished" | "unknown";
  /** The scheduler's own word (PENDING, Waiting, ...). */
  raw: string;
  reason: string | undefined;
}

export interface Scheduler {
  /** Executable that tells whether the scheduler is there (`sbatch`, `oarsub`). */
  readonly submitCommand: string;
  /** The recorded id of a job is kept in `<name>.<idExtension>` in its job directory. */
  readonly idExtension: string;
  /** The driver template (`templates/<driver>.hbs`) and the file it becomes in `experiments/<id>/`. */
  readonly driver: string;
  /** The job id in the submit command's output, or undefined. */
  parseJobId(stdout: string): string | undefined;
  /** The argv that lists the states of these ids. */
  statusArgv(ids: readonly string[]): string[];
  /** Parses that command's output: id -> state (unknown ids are absent). */
  parseStatus(stdout: string): Map<string, SchedulerJobState>;
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
