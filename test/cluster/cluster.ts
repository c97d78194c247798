/**
 * Shared by the scheduler tests: start a real single-node scheduler with the project's scripts
 * (or report loudly why it cannot be), prepare workspaces for it, and wait for its jobs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cli, fixture } from "../helpers.ts";

/** Runs scripts/cluster/<name>-up.sh; returns undefined when ready, else the reason. */
export function startScheduler(name: "slurm" | "oar"): string | undefined {
  if (process.getuid?.() !== 0) return `the ${name} tests need root to install and start ${name}`;
  const r = spawnSync("bash", [join(ROOT, "scripts/cluster", `${name}-up.sh`)], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return `scripts/cluster/${name}-up.sh failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ")}`;
  return undefined;
}

export function skipLoudly(name: string, reason: string): void {
  const line = `\n*** ${name} tests SKIPPED: ${reason} ***\n`;
  process.stderr.write(line);
  process.stdout.write(line);
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
