/**
 * `status --watch` as a person sees it: driven in tmux (its own server socket) during a real run
 * of the `live` fixture (two jobs at once, each a few seconds): the frame names the running jobs,
 * its counts add up, and `q` ends it with status 0. Not on a terminal: the counts, then one line
 * per change, and the end by itself once nothing runs. tmux is required on CI (CI=true), skipped
 * loudly elsewhere.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, ROOT, cli, errorsIn, fixture, scratchFolders } from "../helpers.ts";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
if (!hasTmux && process.env.CI) throw new Error("tmux is missing on CI: .ci/run installs it (apt-get install tmux)");
if (!hasTmux) console.warn("SKIPPED: status --watch in a terminal (tmux not found: apt-get install tmux)");

const scratch = scratchFolders("xpm-watch-");
const SOCKET = `xpm-watch-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8" });
afterAll(() => void tmux("kill-server"));

async function until<T>(what: string, f: () => T | undefined | false, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Job folders of the fixture whose command has started (it writes train.progress) and not ended. */
function runningDirs(ws: string): string[] {
  const base = join(ws, "jobs/live.train");
  if (!existsSync(base)) return [];
  return readdirSync(base).filter((h) => existsSync(join(base, h, "train.progress")) && !existsSync(join(base, h, "train.done")) && !existsSync(join(base, h, "train.failed")));
}

describe.skipIf(!hasTmux)("status --watch in tmux", () => {
  it("names the running jobs, counts them, and quits on q", async () => {
    const ws = join(scratch(), "ws");
    const run = spawn(process.execPath, [CLI, "run-experiment", fixture("projects/live/normal"), "-c", "sleep=20", "-j", "2", "--workdir", ws], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise((r) => run.on("exit", r));
    try {
      await until("two jobs running", () => runningDirs(ws).length === 2);
      const watchCmd = `${process.execPath} ${CLI} status ${ws} live --watch --interval 0.3`;
      expect(tmux("new-session", "-d", "-s", "w", "-x", "150", "-y", "40").status).toBe(0);
      tmux("set-option", "-t", "w", "remain-on-exit", "on");
      expect(tmux("respawn-pane", "-k", "-t", "w", watchCmd).status).toBe(0);
      const screen = await until("the frame with two running jobs", () => {
        const s = tmux("capture-pane", "-p", "-t", "w").stdout;
        return /running \(2\)/.test(s) && s;
      });
      const lines = screen.split("\n");
      expect(lines[0]).toMatch(/^live — 3 jobs — \d+:\d\d +\(q or Ctrl-C quits\)/);
      expect(lines[1]).toBe("running 2 · todo 1");
      const named = lines.filter((l) => /^ {2}live\.Train\/[0-9a-f]{8} /.test(l)).map((l) => l.trim().split(/\s+/)[0]!.slice("live.Train/".length));
      expect(named.sort()).toEqual(runningDirs(ws).map((h) => h.slice(0, 8)).sort());
      expect(screen).toMatch(/\[[#.]{10}\] +\d+% step \d+\/10/);
      tmux("send-keys", "-t", "w", "q");
      await until("the watch to end", () => tmux("display-message", "-p", "-t", "w", "#{pane_dead}").stdout.trim() === "1", 15_000);
      expect(tmux("display-message", "-p", "-t", "w", "#{pane_dead_status}").stdout.trim()).toBe("0");
    } finally {
      run.kill("SIGINT");
      await exited;
    }
  }, 180_000);
});

describe("status --watch without a terminal", () => {
  it("prints the counts and ends by itself when nothing is left to run", () => {
    const ws = join(scratch(), "ws");
    expect(cli(["run-experiment", fixture("projects/live/normal"), "-c", "fail_lr=0.3", "--workdir", ws]).status).toBe(1);
    const r = cli(["status", ws, "live", "--watch", "--interval", "0.2"]);
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.stdout).toContain("live: done 2 · failed 1");
    expect(r.stdout).toContain("nothing left running or queued");
    expect(r.status).toBe(1);
  });
});
