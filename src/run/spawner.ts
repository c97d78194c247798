/**
 * Job scripts started by a few long-lived bash processes, "slots", rather than by Node itself.
 * Node forks its whole process for every child it spawns (about a millisecond here, where make,
 * running the same scripts, pays a small fraction of that); a slot is a small bash that reads a
 * job from its stdin, starts `bash <script>` in the job's folder as a process group of its own
 * (`set -m`, as Node's `detached` would), says its pid, waits for it and says its exit status.
 * A slot runs one job at a time; the runner has as many as it has jobs running at once, made
 * when first needed and reused. Slots are sessions of their own: a Ctrl-C at the terminal
 * reaches the runner, which stops the jobs itself, not the slots.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * bash's absolute path, found on PATH once: spawned by name, every job would pay the search in
 * its forked child, one failed execve per PATH entry before bash's (2 ms a job, measured).
 */
export function bashPath(path = process.env.PATH ?? ""): string {
  for (const dir of path.split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, "bash");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return "bash";
}

/** One job started by a slot. */
export interface JobProcess {
  /** The job script's pid (and process group), once the slot has started it. */
  readonly pid: number | undefined;
  /** Signals the job script (now, or as soon as it has started). */
  kill(signal: NodeJS.Signals): void;
}

export interface JobStart {
  /** The job's folder: the script runs there. */
  cwd: string;
  /** The script's file name, in that folder. */
  script: string;
  /** Added to the slots' environment for this job only: CUDA_VISIBLE_DEVICES, XPM_TIME_LIMIT. */
  gpus?: string;
  timeLimit?: string;
  /** The script's exit status (128 + n after signal n), or null when its slot died first. */
  onExit: (code: number | null) => void;
}

// Fields arrive NUL-terminated (a folder name may hold any other byte). The job's stdio is
// /dev/null, as with Node's "ignore"; `set +m` right after the start keeps the slot quiet
// (no "Done" line) while the job keeps its own process group.
const SLOT = `set -u
while IFS= read -r -d '' cwd && IFS= read -r -d '' gpus && IFS= read -r -d '' limit && IFS= read -r -d '' script; do
  set -m
  (
    cd "$cwd" || exit 1
    if [ -n "$gpus" ]; then export CUDA_VISIBLE_DEVICES=$gpus; fi
    if [ -n "$limit" ]; then export XPM_TIME_LIMIT=$limit; fi
    exec "$0" "$script"
  ) < /dev/null > /dev/null 2>&1 &
  xpm_pid=$!
  set +m
  echo "S $xpm_pid"
  wait "$xpm_pid"
  echo "E $?"
done`;

class Job implements JobProcess {
  pid: number | undefined;
  private pending: NodeJS.Signals[] = [];
  constructor(readonly start: JobStart) {}

  kill(signal: NodeJS.Signals): void {
    if (this.pid === undefined) this.pending.push(signal);
    else signalPid(this.pid, signal);
  }

  started(pid: number): void {
    this.pid = pid;
    for (const s of this.pending.splice(0)) signalPid(pid, s);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

class Slot {
  readonly child: ChildProcess;
  job: Job | undefined;
  private buffer = "";

  constructor(bash: string, env: NodeJS.ProcessEnv, private readonly idle: (slot: Slot) => void) {
    this.child = spawn(bash, ["-c", SLOT, bash], { detached: true, stdio: ["pipe", "pipe", "inherit"], env });
    this.child.on("error", () => {});
    this.child.stdin!.on("error", () => {});
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => this.read(chunk));
    this.child.on("close", () => this.ended(null));
  }

  run(job: Job): void {
    this.job = job;
    const { cwd, gpus = "", timeLimit = "", script } = job.start;
    this.child.stdin!.write(`${cwd}\0${gpus}\0${timeLimit}\0${script}\0`);
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const value = Number(line.slice(2));
      if (line.startsWith("S ")) this.job?.started(value);
      else if (line.startsWith("E ")) this.ended(value);
    }
  }

  private ended(code: number | null): void {
    const job = this.job;
    if (!job) return;
    this.job = undefined;
    if (code !== null) this.idle(this);
    job.start.onExit(code);
  }
}

/** The runner's slots: jobs started through them, slots made as needed, all closed at the end. */
export class Spawner {
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();

  constructor(
    private readonly bash: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(start: JobStart): JobProcess {
    const job = new Job(start);
    let slot = this.idle.pop();
    if (!slot) {
      slot = new Slot(this.bash, this.env, (s) => this.idle.push(s));
      const made = slot;
      this.all.add(made);
      made.child.on("close", () => {
        this.all.delete(made);
        const at = this.idle.indexOf(made);
        if (at >= 0) this.idle.splice(at, 1);
      });
    }
    slot.run(job);
    return job;
  }

  /** Ends every slot: idle ones exit at once, a busy one after its job (the runner waits for those). */
  close(): void {
    for (const slot of this.all) slot.child.stdin!.end();
    this.idle.length = 0;
  }
}
