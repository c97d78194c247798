/**
 * The context of an `execute` function: progress written to `<name>.progress`, an AbortSignal
 * fired by the signals a job gets when it must stop (the job script forwards them to the
 * command's process group), and a logger.
 */
import { rmSync } from "node:fs";
import { formatWithOptions } from "node:util";
import type { StopKind, TaskContext, TaskLogger } from "../model/execute.ts";
import { writeProgress, type JobProgress } from "../model/workspace.ts";

/** At most two progress writes a second; the last value is always written. */
const PROGRESS_INTERVAL_MS = 500;
/** After SIGTERM, SIGINT or SIGHUP, how long the task has to stop before the process exits anyway. */
export const STOP_GRACE_MS = 3000;

/** `<name>.progress`, written at most every PROGRESS_INTERVAL_MS, and when flushed. */
export class ProgressFile {
  private pending: JobProgress | undefined;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    // A previous attempt's progress is not this one's.
    rmSync(`${dir}/${name}.progress`, { force: true });
  }

  report(fraction: number, message?: string): void {
    if (typeof fraction !== "number" || Number.isNaN(fraction)) throw new TypeError(`progress() takes a fraction from 0 to 1, got ${String(fraction)}`);
    if (message !== undefined && typeof message !== "string") throw new TypeError(`progress(): the message must be a string, got ${typeof message}`);
    const clamped = Math.min(1, Math.max(0, fraction));
    this.pending = { fraction: clamped, ...(message !== undefined ? { message } : {}), time: new Date().toISOString() };
    const wait = this.last + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    writeProgress(this.dir, this.name, this.pending);
    this.pending = undefined;
    this.last = Date.now();
  }
}

/** The request to stop, as the AbortSignal's reason. */
export class StopRequest extends Error {
  override readonly name = "AbortError";
  constructor(
    readonly kind: StopKind,
    readonly signal: NodeJS.Signals,
  ) {
    super(kind === "timeout" ? `the job reaches its time limit (${signal}): checkpoint and stop` : `the job is cancelled (${signal})`);
  }
}

const STOPPING: Record<string, StopKind> = { SIGTERM: "cancelled", SIGINT: "cancelled", SIGHUP: "cancelled", SIGUSR1: "timeout", SIGUSR2: "timeout" };

/**
 * Listens to the stopping signals while the task runs: the first aborts the controller; after a
 * cancellation the process exits (128 + signal) if the task has not ended within the grace
 * period, or at once on a second cancellation. The early time-limit warning only aborts.
 */
export class StopSignals {
  readonly controller = new AbortController();
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  /** The first signal received, if any. */
  received: NodeJS.Signals | undefined;

  constructor(onForcedExit: (signal: NodeJS.Signals) => void) {
    for (const [signal, kind] of Object.entries(STOPPING) as [NodeJS.Signals, StopKind][]) {
      const handler = () => {
        const again = this.received !== undefined && kind === "cancelled" && STOPPING[this.received] === "cancelled";
        this.received ??= signal;
        if (again) return onForcedExit(signal);
        if (kind === "cancelled") setTimeout(() => onForcedExit(signal), STOP_GRACE_MS).unref();
        if (!this.controller.signal.aborted) this.controller.abort(new StopRequest(kind, signal));
      };
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}

/** Log lines: `<time> <LEVEL> <message>`; debug only with XPM_LOG_LEVEL=debug. */
export function logger(): TaskLogger {
  const debug = process.env.XPM_LOG_LEVEL === "debug";
  const line = (stream: NodeJS.WriteStream, level: string, message: string, rest: unknown[]) =>
    stream.write(`${new Date().toISOString()} ${level.padEnd(5)} ${formatWithOptions({ colors: false }, message, ...rest)}\n`);
  return {
    debug: (m, ...rest) => void (debug && line(process.stdout, "DEBUG", m, rest)),
    info: (m, ...rest) => void line(process.stdout, "INFO", m, rest),
    warn: (m, ...rest) => void line(process.stderr, "WARN", m, rest),
    error: (m, ...rest) => void line(process.stderr, "ERROR", m, rest),
  };
}

export interface ContextParts {
  taskId: string;
  identifier: string;
  jobDir: string;
  workspace: string;
  signal: AbortSignal;
  progress: ProgressFile;
}

export function taskContext(parts: ContextParts): TaskContext {
  const log = logger();
  return Object.freeze({
    taskId: parts.taskId,
    identifier: parts.identifier,
    jobDir: parts.jobDir,
    workspace: parts.workspace,
    signal: parts.signal,
    progress: (fraction: number, message?: string) => parts.progress.report(fraction, message),
    log,
  });
}
