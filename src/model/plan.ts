/**
 * The data that flows between stages once the user's code has run: plain values only (no
 * functions, no config objects), so plan / resolve / emit are pure and easy to test.
 */
import type { ActionRecord, ServiceRecord } from "./actions.ts";
import type { Tags } from "./values.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * One word of a command, before it is rendered relative to a job directory. A literal is a
 * plain string (not an object: a 100,000-job grid has about a million of them).
 */
export type CommandWord =
  | string
  /** A file in a job directory (`job` is a job key), rendered relative to the running job's dir. */
  | { jobFile: { job: string; rel: string } }
  /** A project file or folder copied into the workspace under `assets/` (source is absolute at compile time). */
  | { asset: string; member?: string };

/**
 * The asset key of the bundle of an experiment's `execute` tasks (made at prepare by the load
 * stage, not read from a project file): its members are `tasks.mjs`, its source map and the
 * `node.sh` launcher. An execute task's command is `bash <node.sh> <tasks.mjs> <task id>`.
 */
export const TASKS_BUNDLE = "experimaestro:tasks-bundle";

/** A project file (content) or folder (files) to ship in the workspace, and where it goes (`assets/...`). */
export interface LoadedAsset {
  rel: string;
  content: Buffer | undefined;
  files: { rel: string; content: Buffer }[];
}

/** A submitted task, as the evaluate stage records it. */
export interface TaskInstance {
  /** `<lower-cased task id>/<hex identifier>`: unique per job. */
  key: string;
  taskId: string;
  /** Last segment of the lower-cased task id, as experimaestro names job files (`<name>.sh`, `<name>.done`). */
  name: string;
  hash: string;
  /** `jobs/<key>`, relative to the workspace. */
  jobPath: string;
  /** Keys of the jobs this one depends on, sorted. */
  deps: string[];
  command: CommandWord[];
  /** Commands of init tasks, run before the command in the same job. */
  initCommands: CommandWord[][];
  /** The params.json text (paths relative to the job directory), serialised once; not made for a dry run. */
  params: string | undefined;
  tags: Tags;
  requirements: string | undefined;
  /** A launcher id forced at submission. */
  launcher: string | undefined;
  /** Local retries: how many, and the factor applied to the time limit at each retry. */
  retry: { max: number; durationFactor: number };
  /** The job's JSON result file, relative to its folder (the task's `results` option). */
  results?: string | undefined;
  /** A resumable task: how many continuations its job may submit at the time limit (undefined: not resumable). */
  resumable?: number | undefined;
}

/**
 * A planned job from a task instance, as a fresh object literal of fixed shape: at 100,000 jobs,
 * object spread (`{...t}`) and Object.assign were a measurable share of plan and resolve.
 */
export function plannedJob(t: TaskInstance, index: number, dependents: string[]): PlannedJob {
  return {
    key: t.key,
    taskId: t.taskId,
    name: t.name,
    hash: t.hash,
    jobPath: t.jobPath,
    deps: t.deps,
    command: t.command,
    initCommands: t.initCommands,
    params: t.params,
    tags: t.tags,
    requirements: t.requirements,
    launcher: t.launcher,
    retry: t.retry,
    results: t.results,
    resumable: t.resumable,
    index,
    dependents,
  };
}

/** A resolved job from a planned one: the same fixed shape, plus one property. */
export function resolvedJob(j: PlannedJob, resources: ResolvedResources): ResolvedJob {
  const out = plannedJob(j, j.index, j.dependents) as ResolvedJob;
  out.resources = resources;
  return out;
}

/** The evaluated experiment: its tasks in submission order. */
export interface Evaluated {
  experimentId: string;
  tasks: TaskInstance[];
  /** The modules to bundle for the `execute` tasks (absolute paths, sorted); none when there are no such tasks. */
  executeModules?: string[];
  /** `helper.addAction` / `helper.addService` (model/actions.ts), when there are some. */
  actions?: ActionRecord[];
  services?: ServiceRecord[];
}

/** A planned job: a task instance plus its place in the DAG. */
export interface PlannedJob extends TaskInstance {
  /** Position in the stable topological order. */
  index: number;
  /** Keys of jobs that depend on this one, sorted. */
  dependents: string[];
}

/** The DAG in a stable topological order (ties broken by task id, then hash). */
export interface Plan {
  experimentId: string;
  jobs: PlannedJob[];
}

/** Where and how a job runs once requirements are matched to a launcher. */
export interface ResolvedResources {
  launcher: string;
  backend: string;
  cpus: number;
  /** Memory in bytes, or undefined when not asked. */
  memory: number | undefined;
  /** Time limit in seconds, or undefined when not asked. */
  duration: number | undefined;
  gpus: number;
  /** Backend options from the launcher (partition, account, ...), sorted by key when emitted. */
  options: Record<string, string>;
  /** Extra scheduler directives from the launcher, verbatim. */
  extra: string[];
  /** SLURM: cancel the job when a dependency failed. */
  killOnInvalidDep: boolean;
  /** Job environment, in the order it is exported (later wins): launcher, workspace, settings, --env. */
  env: [string, string][];
}

export interface ResolvedJob extends PlannedJob {
  resources: ResolvedResources;
}

export interface ResolvedPlan {
  experimentId: string;
  jobs: ResolvedJob[];
  /** Carried from evaluate by the compile driver, for the manifest. */
  actions?: ActionRecord[];
  services?: ServiceRecord[];
}
