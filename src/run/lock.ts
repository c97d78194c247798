/**
 * The experiment lock: two `normal` runs of one experiment in one workspace never overlap.
 * `experiments/<id>/lock` is created exclusively and names its holder; a lock whose holder
 * process is gone (same host) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock; returns a release function. Throws EXPERIMENT_LOCKED naming the holder. */
export function lockExperiment(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "lock");
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      holder = undefined;
    }
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    fail(Codes.EXPERIMENT_LOCKED, `the experiment is already running: ${holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : "the lock file is unreadable"}`, {
      where: { file },
      hint: "wait for it to finish, or remove the lock file if that process is gone",
    });
  }
  return fail(Codes.EXPERIMENT_LOCKED, `cannot take the lock ${file}`, { where: { file }, hint: "remove the lock file if no run is going on" });
}
