/**
 * The workspace contract: where every file of a workspace lives, what the job markers are and
 * how they are read and written. Emit, the runner, submit and every command that reads a
 * workspace back go through here, so the layout is written down once (see design.md §6).
 *
 * ```
 * <ws>/jobs/<task-id>/<hash>/   params.json, <name>.sh, .done, .failed, .out, .err, .lock, .progress, .<scheduler>-id
 * <ws>/experiments/<xp-id>/     manifest.json, run-local.sh, submit-*.sh, status.sh, lock, submit.lock
 * <ws>/assets/<digest16>/<name> project files used by commands
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Why a job has a `.failed` marker. */
export type FailReason = "failed" | "timeout" | "cancelled" | "dependency";

/** What `<name>.failed` holds (experimaestro writes the same keys, and sometimes a message). */
export interface FailedMarker {
  code: number;
  reason: FailReason;
  message?: string;
}

/** A job as the workspace knows it: its folder (workspace-relative) and the name of its files. */
export interface JobLocation {
  dir: string;
  name: string;
}

/** `experiments/<id>`: the experiment's folder in the workspace. */
export function experimentDir(experimentId: string): string {
  return `experiments/${experimentId}`;
}

/**
 * The files of an experiment's folder. Nothing of ours deletes them (`clean` removes job
 * folders only, prepare rewrites the emitted ones): a lock stays in place when released, so
 * a driver or run holding it never loses it to a removal (the next one would flock a new file).
 */
export const EXPERIMENT_FILES = {
  manifest: "manifest.json",
  runLocal: "run-local.sh",
  status: "status.sh",
  /** Held (flock) by a `normal` run, ours or experimaestro's (run/lock.ts), its holder in `lockHolder`. */
  lock: "lock",
  lockHolder: "lock.holder",
  /** Held (flock) by a submit driver while it runs (one at a time), its holder written in it. */
  submitLock: "submit.lock",
  git: "git.json",
} as const;

/** A file of an experiment's folder, workspace-relative. */
export function experimentFile(experimentId: string, file: string): string {
  return `${experimentDir(experimentId)}/${file}`;
}

/** The name of a job's files: the last component of the lower-cased task id (`grid.Train` -> `train`), as experimaestro names them. */
export function jobName(taskId: string): string {
  return taskId.slice(taskId.lastIndexOf(".") + 1).toLowerCase();
}

/** The prepare record of an experiment, workspace-relative (emit/record.ts writes it at every prepare). */
export function preparedRecord(experimentId: string): string {
  return `.xpm/prepared/${experimentId}`;
}

/** A job's file, workspace-relative, e.g. `jobs/<task>/<hash>/<name>.done`. */
export function jobFile(job: { jobPath: string; name: string }, ext: string): string {
  return `${job.jobPath}/${job.name}.${ext}`;
}

/** Where a project file is copied: content-addressed, so versions never clash. */
export function assetPath(digest: string, basename: string): string {
  return `assets/${digest.slice(0, 16)}/${basename}`;
}

/** Where a bundle of `execute` tasks goes: `assets/<digest16>` (a folder: tasks.mjs, its map, node.sh). */
export function bundlePath(digest: string): string {
  return `assets/${digest.slice(0, 16)}`;
}

/**
 * The short label of a job in every listing and message: `<task id>/<first 8 hex of its hash>`;
 * schedulers' job names use `-` as the separator (`<task id>-<hash8>`).
 */
export function jobLabel(job: { task: string; hash: string }, separator: "/" | "-" = "/"): string {
  return `${job.task}${separator}${job.hash.slice(0, 8)}`;
}

/** Absolute path of a job file under a workspace. */
export function markerPath(workspace: string, job: JobLocation, ext: string): string {
  return join(workspace, job.dir, `${job.name}.${ext}`);
}

export function isDone(workspace: string, job: JobLocation): boolean {
  return existsSync(markerPath(workspace, job, "done"));
}

const REASONS: ReadonlySet<string> = new Set(["failed", "timeout", "cancelled", "dependency"]);

/**
 * The content of `.failed`, or undefined when there is none (or it is unreadable). Reads ours
 * and experimaestro's: `{"code", "reason"[, "message"]}` (no final newline), a
 * `failure_status` name (DEPENDENCY, FAILED, MEMORY, TIMEOUT, CANCELLED, ...), or a bare exit code.
 * A reason we do not know (MEMORY) is `failed`, with the original word as the message.
 */
export function readFailed(workspace: string, job: JobLocation): FailedMarker | undefined {
  const path = markerPath(workspace, job, "failed");
  // Most jobs have no .failed: asking first is much cheaper than a thrown ENOENT (dry-run at 100k jobs).
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof raw === "number") return { code: raw, reason: "failed" };
  if (raw === null || typeof raw !== "object") return undefined;
  const o = raw as { code?: unknown; reason?: unknown; failure_status?: unknown; message?: unknown };
  const word = String(o.reason ?? o.failure_status ?? "failed").toLowerCase();
  const known = REASONS.has(word);
  const message = typeof o.message === "string" ? o.message : known ? undefined : word;
  return { code: typeof o.code === "number" ? o.code : 1, reason: (known ? word : "failed") as FailReason, ...(message !== undefined ? { message } : {}) };
}

/** Writes `.failed` atomically (write then rename), with the same JSON shape as the job script. */
export function writeFailed(workspace: string, job: JobLocation, code: number, reason: FailReason): void {
  const path = markerPath(workspace, job, "failed");
  writeFileSync(`${path}.tmp`, `{"code": ${code}, "reason": "${reason}"}\n`);
  renameSync(`${path}.tmp`, path);
}

/** What `<name>.progress` holds: written by an `execute` task's `ctx.progress()` while its job runs. */
export interface JobProgress {
  /** From 0 to 1. */
  fraction: number;
  message?: string;
  /** When it was written (ISO 8601, UTC); a file written by hand (a command task's) may leave it out. */
  time?: string;
}

/** Writes `<name>.progress` atomically (in the job folder `dir`, absolute). */
export function writeProgress(dir: string, name: string, progress: JobProgress): void {
  const path = join(dir, `${name}.progress`);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(progress)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** A job's last recorded progress, or undefined (none, or unreadable). */
export function readProgress(workspace: string, job: JobLocation): JobProgress | undefined {
  const path = markerPath(workspace, job, "progress");
  if (!existsSync(path)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as Partial<JobProgress>;
    if (typeof raw.fraction !== "number") return undefined;
    return { fraction: raw.fraction, ...(typeof raw.message === "string" ? { message: raw.message } : {}), ...(typeof raw.time === "string" ? { time: raw.time } : {}) };
  } catch {
    return undefined;
  }
}

/** The scheduler id recorded by a driver in `<name>.<ext>` (e.g. `.slurm-id`), if any. */
/**
 * A resumable job that went on past its time limit: `<name>.continuation` holds "<run> <max>
 * <id of that run>", written by the job script when it submits its next run.
 */
export function readContinuation(workspace: string, job: JobLocation): { run: number; max: number; id: string } | undefined {
  const text = readRecordedId(workspace, job, "continuation");
  const m = text === undefined ? null : /^([0-9]+) ([0-9]+) (\S+)$/.exec(text);
  return m ? { run: Number(m[1]), max: Number(m[2]), id: m[3]! } : undefined;
}

export function readRecordedId(workspace: string, job: JobLocation, ext: string): string | undefined {
  try {
    return readFileSync(markerPath(workspace, job, ext), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a job folder holds Python experimaestro's own files (its job script `<name>.py`, or
 * `.experimaestro/`): such a folder is never written to; its markers are read like ours.
 */
export function isForeign(workspace: string, job: JobLocation): boolean {
  return existsSync(markerPath(workspace, job, "py")) || existsSync(join(workspace, job.dir, ".experimaestro"));
}

/** Whether someone holds a job's lock (`flock` on `<name>.lock`, released with its holder). */
export function lockHeld(workspace: string, job: JobLocation): boolean {
  const lock = markerPath(workspace, job, "lock");
  if (!existsSync(lock)) return false;
  return spawnSync("flock", ["-n", lock, "true"]).status !== 0;
}
