/** `jobs log`: a job's stderr (or stdout), printed once or followed while the job runs. */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { jobLabel, lockHeld } from "../model/workspace.ts";
import { markerState } from "../model/state.ts";
import type { JobRow } from "./jobs.ts";
import { sleep } from "./process.ts";

/** The log file of a job (`<name>.err`, or `<name>.out` for stdout); a missing one is an error saying why. */
export function logFile(workspace: string, job: JobRow, stdout: boolean): string {
  const file = join(workspace, job.dir, `${job.name}.${stdout ? "out" : "err"}`);
  if (!existsSync(file)) {
    fail(Codes.LOG_MISSING, `${jobLabel(job)} has no ${stdout ? "stdout" : "stderr"} log yet (${job.state})`, {
      where: { file },
      hint: job.state === "todo" || job.state === "not submitted" || job.state === "queued" ? "the job has not started: its logs appear when it runs" : "the job's folder holds no log file",
    });
  }
  return file;
}

/** Writes the bytes of `file` from `offset` on; returns the new offset. */
function copyFrom(file: string, offset: number, write: (chunk: string) => void): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return offset;
  }
  if (size < offset) offset = 0; // truncated: a new attempt started
  if (size === offset) return offset;
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    write(buf.subarray(0, n).toString("utf8"));
    return offset + n;
  } finally {
    closeSync(fd);
  }
}

/** Prints the log; with `follow`, keeps printing what is appended until the job is no longer running. */
export async function printLog(workspace: string, job: JobRow, file: string, follow: boolean, write: (chunk: string) => void, pollMs = 200): Promise<void> {
  let offset = copyFrom(file, 0, write);
  if (!follow) return;
  const ended = () => markerState(workspace, job) !== undefined && !lockHeld(workspace, job);
  for (;;) {
    const last = ended();
    offset = copyFrom(file, offset, write);
    if (last) return;
    await sleep(pollMs);
  }
}
