/**
 * Fake scheduler commands on PATH, for what a live scheduler cannot be made to do on demand: a
 * warning on stderr, a time-out, a failing status query, a refused script, a held or requeued
 * job. One bash script plays sbatch, squeue, scancel, sacct, oarsub, oarstat, oardel, qsub, qstat
 * and qdel, printing what the real ones print (test/unit/backends.test.ts has the canned lines).
 *
 * State, in $FAKE: `next` (the next id), `jobs/<id>` (`STATE|REASON|NAME`), `deps/<id>` (its
 * parents), `calls` (one line per call: the command and its arguments). Behaviour files:
 * `stderr.<cmd>` is printed on stderr at each call; `fail.<cmd>` (`N|exit code|message`) makes
 * the next N calls (`*`: all) fail; `stdout.<cmd>` replaces what the command prints;
 * `delay.<cmd>` (seconds) slows it down; `refuse` (grep patterns) makes `sbatch --test-only`
 * refuse the scripts that match; `taken.sbatch` (`taken.oarsub`) (N) makes the next N
 * submissions time out (fail on the database) after the scheduler took the job; `events/<id>`
 * holds the lines `oarstat -e` prints.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The one script behind every fake command (it looks at the name it was called by). */
const FAKE = fileURLToPath(new URL("./fake-scheduler.sh", import.meta.url));

const COMMANDS = ["sbatch", "squeue", "scancel", "sacct", "oarsub", "oarstat", "oardel", "qsub", "qstat", "qdel"];

/** A scheduler that only pretends, in `dir`: its commands, its state, and what tests ask of it. */
export class FakeScheduler {
  readonly bin: string;
  readonly state: string;

  constructor(dir: string) {
    this.bin = join(dir, "bin");
    this.state = join(dir, "state");
    mkdirSync(this.bin, { recursive: true });
    mkdirSync(this.state, { recursive: true });
    for (const c of COMMANDS) symlinkSync(FAKE, join(this.bin, c));
  }

  /** The environment that puts these commands first on PATH, with no waiting between retries. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bin}:${process.env.PATH}`, FAKE: this.state, XPM_RETRY_DELAY: "0", ...extra };
  }

  /** Every call so far, as `command args...`. */
  calls(command?: string): string[] {
    const file = join(this.state, "calls");
    const all = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    return command ? all.filter((c) => c.split(" ")[0] === command) : all;
  }

  /** Submissions only (not --test-only checks). */
  submissions(command: string): string[] {
    return this.calls(command).filter((c) => !c.includes("--test-only"));
  }

  forgetCalls(): void {
    rmSync(join(this.state, "calls"), { force: true });
  }

  /** Every job the fake holds: id -> [state, reason, name]. */
  jobs(): Map<string, string[]> {
    const dir = join(this.state, "jobs");
    if (!existsSync(dir)) return new Map();
    return new Map(readdirSync(dir).map((id) => [id, readFileSync(join(dir, id), "utf8").trim().split("|")]));
  }

  /** The parents a job was submitted after. */
  deps(id: string): string[] {
    return readFileSync(join(this.state, "deps", id), "utf8").trim().split(/\s+/).filter(Boolean);
  }

  set(id: string, state: string, reason = "None"): void {
    const [, , name] = this.jobs().get(id)!;
    writeFileSync(join(this.state, "jobs", id), `${state}|${reason}|${name}\n`);
  }

  forget(id: string): void {
    rmSync(join(this.state, "jobs", id));
  }

  /** Files that change the commands' behaviour (`stderr.sbatch`, `fail.squeue`, `refuse`, ...). */
  behave(file: string, text: string | undefined): void {
    if (text === undefined) rmSync(join(this.state, file), { force: true, recursive: true });
    else writeFileSync(join(this.state, file), text);
  }

  /** An event `oarstat -e` prints for an OAR job (`TYPE: description`), after those before. */
  event(id: string, text: string): void {
    mkdirSync(join(this.state, "events"), { recursive: true });
    writeFileSync(join(this.state, "events", id), `2026-12-02 00:58:55> [${id}] ${text}\n`, { flag: "a" });
  }

  /** What sacct knows of a job (`STATE|REASON|NAME`); without any, sacct says accounting is disabled. */
  account(id: string, line: string): void {
    mkdirSync(join(this.state, "accounting"), { recursive: true });
    writeFileSync(join(this.state, "accounting", id), `${line}\n`);
  }
}
