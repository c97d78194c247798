/**
 * The processes of a running local job. The job script's own process is found in the process
 * table (Linux /proc): a process whose working folder is the job folder and whose command line
 * runs `<name>.sh` (ours) or `<name>.py` (experimaestro's). The pid the job recorded in
 * `<name>.pid` (the job script's process group; experimaestro's `{"type": "local", "pid": N}`)
 * is used too, once checked to belong to the job's folder.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";
import { parsePidFile } from "./experimaestro.ts";

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** Fields after the command name in /proc/<pid>/stat (state, ppid, pgrp, ...), if it can be read. */
function statOf(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The process group of a pid, if it can be read. */
export function groupOf(pid: number): number | undefined {
  const f = statOf(pid);
  return f ? Number(f[2]) : undefined;
}

/** Every process below these pids (children, their children, ...), from the process table. */
export function descendants(pids: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    /* no /proc */
  }
  for (const e of entries) {
    const ppid = Number(statOf(e)?.[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
  }
  const out: number[] = [];
  const queue = [...pids];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Processes running the job's script: working folder = the job folder, an argument named `<name>.sh` or `<name>.py`. */
export function scriptProcesses(absDir: string, name: string): number[] {
  const dir = realDir(absDir);
  const scripts = new Set([`${name}.sh`, `${name}.py`]);
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid || cwdOf(Number(e)) !== dir) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (argv.slice(0, 3).some((a) => scripts.has(basename(a)))) out.push(Number(e));
  }
  return out.sort((a, b) => a - b);
}

/** The pid recorded by the job (`<name>.pid`), when it is a live local process of this job folder. */
export function recordedProcess(absDir: string, name: string, scripts: readonly number[]): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(absDir, `${name}.pid`), "utf8");
  } catch {
    return undefined;
  }
  const info = parsePidFile(text);
  const pid = Number(info?.pid);
  if (info?.type !== "local" || !Number.isInteger(pid) || pid <= 1 || !alive(pid)) return undefined;
  const mine = cwdOf(pid) === realDir(absDir) || scripts.includes(pid) || scripts.some((s) => groupOf(s) === pid);
  return mine ? pid : undefined;
}

/** Sends a signal to a pid's process group when it leads one, else to the pid; true when something got it. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(groupOf(pid) === pid ? -pid : pid, sig);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `done()` holds or `ms` pass; true when it holds. */
export async function waitFor(done: () => boolean, ms: number, step = 100): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= until) return false;
    await sleep(step);
  }
  return true;
}
