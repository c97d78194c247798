/**
 * Actions and services of the `live` fixture, for real: the `best` action is refused before the
 * run (naming the jobs it waits for) and copies the best model after it; the `files` service
 * (a tiny HTTP server over the job folders) is started by `normal` mode, answers on localhost
 * while the jobs run, and is gone after, unless --keep-services (then `services stop`);
 * `services start` keeps it until Ctrl-C.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ROOT, cli, errorsIn, fixture, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-actions-");
const YAML = fixture("projects/live/normal");

/** A CLI run in the background, its stdout collected. */
function background(args: string[]): { child: ChildProcess; stdout: () => string; exit: Promise<number | null> } {
  let text = "";
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
  child.stdout!.on("data", (d) => (text += d));
  child.stderr!.on("data", (d) => (text += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, stdout: () => text, exit };
}

async function until<T>(what: string, f: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function get(url: string): Promise<{ status: number; text: string } | "refused"> {
  try {
    const r = await fetch(url);
    return { status: r.status, text: await r.text() };
  } catch {
    return "refused";
  }
}

describe("actions", () => {
  it("refuses before the jobs are done, naming them, and copies the best model after", () => {
    const ws = join(scratch(), "ws");
    expect(cli(["run-experiment", YAML, "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
    const list = cli(["actions", "list", ws, "live"]);
    expect(list.stdout).toContain("best — copy the best model (lowest loss)");
    expect(list.stdout).toContain("waits for 3 of 3 jobs");
    const refused = cli(["actions", "run", ws, "live", "best"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/XPM620: action best needs 3 jobs that are not done: live\.Train\/[0-9a-f]{8} \(not done\)/);

    expect(cli(["run", ws, "live", "--no-services"]).status).toBe(0);
    expect(cli(["actions", "list", ws, "live"]).stdout).toContain("ready (3 jobs done)");
    const dest = join(scratch(), "best.json");
    const ran = cli(["actions", "run", ws, "live", "--answer", `dest=${dest}`]);
    expect(errorsIn(ran.stderr)).toBe("");
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain("action best: done");
    expect(JSON.parse(readFileSync(dest, "utf8"))).toEqual({ lr: 0.2 });

    // Without an answer and without a terminal: the default, relative to where the command runs.
    const cwd = scratch();
    expect(cli(["actions", "run", ws, "live"], { cwd }).status).toBe(0);
    expect(existsSync(join(cwd, "best-model.json"))).toBe(true);
    const wrong = cli(["actions", "run", ws, "live", "--answer", "dst=x"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("action best has no param 'dst'");
  }, 240_000);
});

describe("services", () => {
  it("normal mode starts the service before the jobs and stops it after", async () => {
    const ws = join(scratch(), "ws");
    const run = background(["run-experiment", YAML, "-c", "sleep=6", "--workdir", ws]);
    const url = await until("the service's URL", () => /service files: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stdout())?.[1]);
    await until("a job running", () => run.stdout().includes("started"));
    const during = await get(`${url}live.train/`);
    expect(during).not.toBe("refused");
    expect(during).toMatchObject({ status: 200 });
    expect((during as { text: string }).text.trim().split("\n")).toHaveLength(3);
    expect(await run.exit).toBe(0);
    expect(await get(url)).toBe("refused");
    expect(existsSync(join(ws, "experiments/live/services/files.json"))).toBe(false);
  }, 120_000);

  it("--keep-services leaves it running until `services stop`; `services start` keeps it until Ctrl-C", async () => {
    const ws = join(scratch(), "ws");
    const r = cli(["run-experiment", YAML, "--keep-services", "--workdir", ws]);
    expect(r.status).toBe(0);
    const url = /service files: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain("service files left running");
    expect(await get(url)).toMatchObject({ status: 200 });
    expect(cli(["services", "list", ws, "live"]).stdout).toContain(`running (pid`);
    expect(cli(["services", "stop", ws, "live", "files"]).stdout).toContain("service files: stopped");
    expect(await get(url)).toBe("refused");

    const started = background(["services", "start", ws, "live"]);
    const again = await until("the service's URL", () => /service files: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(started.stdout())?.[1]);
    await until("Ctrl-C hint", () => started.stdout().includes("Ctrl-C stops"));
    expect(await get(again)).toMatchObject({ status: 200 });
    started.child.kill("SIGINT");
    expect(await started.exit).toBe(0);
    expect(started.stdout()).toContain("stopped: files");
    expect(await get(again)).toBe("refused");
  }, 120_000);
});
