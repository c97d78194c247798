/**
 * What an `execute` task's function receives inside its job: the resolved values (paths
 * absolute, sub-configs as plain objects of their values) and a context (folders, progress,
 * cancellation, logging). The types are here; src/runtime/ builds the values and the context.
 */
import type { ConfigInstance, Float, PathRef } from "./values.ts";

/** A config's values as an `execute` function sees them, plus the config's type id and identifier. */
export type ResolvedConfig<V> = { readonly [K in keyof V]: Resolved<V[K]> } & {
  /** The config's type id (`grid.Model`). */
  readonly $type: string;
  /** The config's identifier (64 hex digits). */
  readonly $id: string;
};

/**
 * A param value at run time: a path (a path generator, a `pathType()` value, a path returned by
 * another task) is an absolute path string; a sub-config is a plain object of its resolved
 * values; containers hold resolved values; an explicit float is a number.
 */
export type Resolved<T> = T extends PathRef
  ? string
  : T extends ConfigInstance<infer V>
    ? ResolvedConfig<V>
    : T extends Float
      ? number
      : T extends Map<infer K, infer X>
        ? Map<K, Resolved<X>>
        : T extends Set<infer X>
          ? Set<Resolved<X>>
          : T extends readonly (infer X)[]
            ? Resolved<X>[]
            : T extends (...args: never[]) => unknown
              ? T
              : T extends object
                ? { [K in keyof T]: Resolved<T[K]> }
                : T;

/** The values an `execute` function receives, from the values `command` would receive. */
export type ResolvedValues<V> = { readonly [K in keyof V]: Resolved<V[K]> };

/** Log lines of a task: `debug` and `info` go to `<name>.out`, `warn` and `error` to `<name>.err`. */
export interface TaskLogger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** Why a job is asked to stop: a cancellation (SIGTERM, SIGINT, SIGHUP), or a scheduler's early warning of its time limit (SIGUSR1, SIGUSR2). */
export type StopKind = "cancelled" | "timeout";

/** The second argument of an `execute` function. */
export interface TaskContext {
  /** The task's type id, as declared (`grid.Train`). */
  readonly taskId: string;
  /** The job's identifier (64 hex digits). */
  readonly identifier: string;
  /** The job's folder (absolute): params.json, `<name>.out`, path generators. */
  readonly jobDir: string;
  /** The workspace (absolute). */
  readonly workspace: string;
  /**
   * Aborted when the job is asked to stop: on cancellation (SIGTERM, SIGINT, SIGHUP) and on the
   * scheduler's early warning of its time limit (SIGUSR1, SIGUSR2). Its `reason` is an Error
   * named `AbortError` with a `kind` (see StopKind). Checkpoint and return, or throw it.
   */
  readonly signal: AbortSignal;
  /**
   * Records how far the job is (0 to 1) and what it does, in `<name>.progress`; `experimaestro
   * status` and the local runner's live line show it. Cheap to call often: the file is written
   * at most twice a second, and the last value always.
   */
  progress(fraction: number, message?: string): void;
  readonly log: TaskLogger;
}

/** An `execute` function: its return ends the job successfully, a throw fails it. */
export type ExecuteFunction<V> = (values: ResolvedValues<V>, ctx: TaskContext) => void | Promise<void>;
