/**
 * The experiment lock: two `normal` runs of one experiment in one workspace never overlap, and
 * neither do ours and Python experimaestro's. As experimaestro does (filelock's UnixFileLock),
 * the lock is `flock(2)` on `experiments/<id>/lock`, a file that holds nothing: whether it
 * exists says nothing (experimaestro may leave it, or unlink it on release), only the flock
 * counts. After acquiring, the inode is checked again, since a releasing holder may unlink the
 * file between our open and our flock. Who holds it (pid, host, since) is written beside it,
 * in `lock.holder`, for the "already running" message.
 *
 * Node has no flock: a small `flock`-holding child keeps the lock for as long as its stdin is
 * open, so the kernel releases it when this process ends, however it ends.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { EXPERIMENT_FILES } from "../model/workspace.ts";

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Exit status of the holder when the lock is taken by someone else (EX_TEMPFAIL). */
const HELD = 75;

// $1: the lock file. Prints "locked" once the lock is ours, then holds it until stdin closes.
const HOLD = `
f=$1
for _ in 1 2 3 4 5; do
  exec 9>>"$f" || exit 2
  flock -n 9 || exit ${HELD}
  if [ "$(stat -c %d:%i -- "$f" 2>/dev/null)" = "$(stat -L -c %d:%i /proc/self/fd/9)" ]; then
    echo locked
    exec cat >/dev/null
  fi
  exec 9>&-
done
exit 2
`;

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

/** Takes the lock of the experiment folder `dir`; resolves with a release function. Fails with EXPERIMENT_LOCKED naming the holder. */
export async function lockExperiment(dir: string): Promise<() => void> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, EXPERIMENT_FILES.lock);
  const holderFile = join(dir, EXPERIMENT_FILES.lockHolder);
  const child = spawn("bash", ["-c", HOLD, "xpm-lock", file], { stdio: ["pipe", "pipe", "inherit"] });
  const locked = await new Promise<number | "locked">((resolve) => {
    child.stdout.once("data", () => resolve("locked"));
    child.once("close", (code) => resolve(code ?? 1));
    child.once("error", () => resolve(1));
  });
  if (locked !== "locked") {
    const holder = readHolder(holderFile);
    const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : "another process (Python experimaestro takes the same lock)";
    return fail(Codes.EXPERIMENT_LOCKED, locked === HELD ? `the experiment is already running: ${who}` : `cannot take the lock ${file}`, {
      where: { file },
      hint: locked === HELD ? "wait for that run to finish (the lock is released when its process ends)" : "check that the experiment folder is writable and that flock(1) is installed (util-linux)",
    });
  }
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(holderFile, `${JSON.stringify(me)}\n`);
  child.stdout.resume();
  // The holder must not keep this process alive: the lock goes when this process goes.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  return () => {
    rmSync(holderFile, { force: true });
    child.stdin.end();
  };
}
