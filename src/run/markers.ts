/** Reading and writing job markers (`<name>.done`, `<name>.failed`) the way job scripts do. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type FailReason = "failed" | "timeout" | "cancelled" | "dependency";

export interface JobLocation {
  dir: string;
  name: string;
}

/** Absolute path of a job file under a workspace. */
export function markerPath(workspace: string, job: JobLocation, ext: string): string {
  return join(workspace, job.dir, `${job.name}.${ext}`);
}

export function isDone(workspace: string, job: JobLocation): boolean {
  return existsSync(markerPath(workspace, job, "done"));
}

/** The content of `.failed`, or undefined when there is none (or it is unreadable). */
export function readFailed(workspace: string, job: JobLocation): { code: number; reason: FailReason } | undefined {
  const path = markerPath(workspace, job, "failed");
  // Most jobs have no .failed: asking first is much cheaper than a thrown ENOENT (dry-run at 100k jobs).
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** Writes `.failed` atomically (write then rename), with the same JSON shape as the job script. */
export function writeFailed(workspace: string, job: JobLocation, code: number, reason: FailReason): void {
  const path = markerPath(workspace, job, "failed");
  writeFileSync(`${path}.tmp`, `{"code": ${code}, "reason": "${reason}"}\n`);
  renameSync(`${path}.tmp`, path);
}
