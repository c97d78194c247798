/**
 * Shared by the scheduler tests: start a real single-node scheduler with the project's scripts
 * (or fail on CI, or skip loudly elsewhere, saying why it cannot be), prepare workspaces for it,
 * and wait for its jobs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cli, fixture } from "../helpers.ts";

/**
 * On CI (`CI` set, and not "false" or "0", as `.ci/run` is run) a scheduler that cannot be
 * started fails the run; elsewhere its tests skip, loudly.
 */
export const ON_CI = process.env.CI !== undefined && !["", "0", "false"].includes(process.env.CI.toLowerCase());

/** Runs scripts/cluster/<name>-up.sh; returns undefined when ready, else the reason. */
export function startScheduler(name: "slurm" | "oar"): string | undefined {
  if (process.getuid?.() !== 0) return `the ${name} tests need root to install and start ${name}`;
  const script = `scripts/cluster/${name}-up.sh`;
  const r = spawnSync("bash", [join(ROOT, script)], { encoding: "utf8", timeout: 600_000 });
  if (r.status === 0) return undefined;
  // All of it: this is the one place that says why the scheduler is missing.
  process.stderr.write(`\n--- ${script} output:\n${r.stdout ?? ""}${r.stderr ?? ""}---\n`);
  const last = (r.stderr || r.stdout || "").trim().split("\n").slice(-3).join(" | ");
  return `${script} failed (${r.error ? r.error.message : `exit ${r.status}`}): ${last}`;
}

export function skipLoudly(name: string, reason: string): void {
  const line = `\n*** ${name} tests SKIPPED: ${reason} ***\n`;
  process.stderr.write(line);
  process.stdout.write(line);
}

/**
 * What a scheduler test file starts with: starts the scheduler and returns undefined when it is
 * ready. When it is not: on CI, throws (the test file, and so the run, fails); elsewhere, says
 * loudly that the tests are skipped and returns the reason (to skip them with).
 */
export function schedulerOrSkip(name: "slurm" | "oar", label: string): string | undefined {
  const reason = startScheduler(name);
  if (reason === undefined) return undefined;
  if (ON_CI) throw new Error(`${label} could not be started, which fails the run on CI (CI=${process.env.CI}): ${reason}`);
  skipLoudly(label, `${reason} (on CI, CI=true, this fails the run)`);
  return reason;
}

/** Prepares a project for a launchers fixture; returns the workspace. */
export function prepare(ws: string, project: string, launchers: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): void {
  const r = cli(["run-experiment", project, "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", fixture("launchers", launchers), ...extra], { env });
  if (r.status !== 0) throw new Error(`prepare failed: ${r.stderr}`);
}

/** Runs a bash driver (optionally as another user); returns its output. */
export function driver(path: string, user?: string): { status: number | null; stdout: string; stderr: string } {
  const argv = user ? ["runuser", "-u", user, "--", "bash", path] : ["bash", path];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every recorded scheduler id below a workspace's jobs. */
export function recordedIds(ws: string, ext: string, jobDirs: string[]): string[] {
  return jobDirs.flatMap((d) => {
    try {
      return [readFileSync(join(ws, d), "utf8").trim()];
    } catch {
      return [];
    }
  });
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 180_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}
