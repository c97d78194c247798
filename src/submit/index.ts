/**
 * submit: runs the emitted scheduler drivers (submit-slurm.sh, submit-oar.sh) for the backends
 * a prepared plan uses. The drivers are plain bash; this only spawns them and relays output.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Backends } from "../model/backend.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import type { Manifest } from "../model/manifest.ts";
import { experimentDir } from "../model/workspace.ts";

/** Whether an executable is on the PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync("bash", ["-c", `command -v "$1" >/dev/null`, "bash", name]).status === 0;
}

/** The scheduler backends a manifest uses, in a stable order. */
export function schedulersOf(manifest: Manifest, backends: Backends): string[] {
  return [...new Set(manifest.jobs.map((j) => j.backend))].filter((b) => backends.of(b).scheduler).sort();
}

/** Runs each scheduler driver; resolves with the first non-zero exit status, or 0. */
export async function submitAll(workspace: string, manifest: Manifest, backends: Backends, log: (line: string) => void): Promise<number> {
  let status = 0;
  for (const key of schedulersOf(manifest, backends)) {
    const scheduler = backends.of(key).scheduler!;
    const driver = join(workspace, experimentDir(manifest.experiment), scheduler.driver);
    if (!hasCommand(scheduler.submit.command[0]!)) {
      fail(Codes.SCHEDULER_MISSING, `this plan has ${key} jobs but '${scheduler.submit.command[0]}' is not available here`, {
        where: { file: driver },
        hint: `copy the workspace to the cluster and run \`bash ${join(experimentDir(manifest.experiment), scheduler.driver)}\` there (prepare mode writes it without submitting)`,
      });
    }
    log(`submitting ${key} jobs: bash ${join(experimentDir(manifest.experiment), scheduler.driver)}`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn("bash", [driver], { cwd: workspace, stdio: ["ignore", "pipe", "pipe"] });
      const relay = (data: Buffer) => data.toString("utf8").split("\n").filter(Boolean).forEach((l) => log(`  ${l}`));
      child.stdout.on("data", relay);
      child.stderr.on("data", relay);
      child.on("close", (c) => resolve(c ?? 1));
    });
    if (code !== 0 && status === 0) status = code;
  }
  return status;
}
