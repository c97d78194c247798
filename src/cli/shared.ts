/** Pieces shared by the commands: the settings folder option, running and submitting a prepared plan. */
import { join, resolve as resolvePath } from "node:path";
import { experimentDir } from "../emit/paths.ts";
import { configDir, loadLaunchers } from "../load/launchers.ts";
import type { Capacity } from "../run/capacity.ts";
import { detectedCapacity, runExperiment, type RunSummary } from "../run/index.ts";
import { printSummary, reporter } from "./progress.ts";
import { readManifest } from "../run/manifest.ts";
import { schedulersOf, submitAll } from "../submit/index.ts";
import { displayPath } from "../util/text.ts";
import { last, parallelOf, type Parsed } from "./args.ts";

export type Out = (line: string) => void;

export function configOpt(p: Parsed): { configDir?: string } {
  const dir = last(p, "--xpm-config-dir");
  return dir === undefined ? {} : { configDir: resolvePath(dir) };
}

/** The local launcher's capacity from launchers.yaml, else this machine as detected. */
function localCapacity(p: Parsed): Capacity {
  const local = loadLaunchers(configDir(configOpt(p).configDir)).launchers.find((l) => l.type === "local");
  const detected = detectedCapacity();
  if (!local) return detected;
  return {
    cores: local.cores ?? detected.cores,
    memory: local.memory ?? detected.memory,
    gpus: local.accelerators.reduce((n, a) => n + a.count, 0),
  };
}

function exitStatus(s: RunSummary): number {
  if (s.interrupted) return 130;
  return s.failed.length || s.blocked.length || s.notRun.length ? 1 : 0;
}

/** After writing: local jobs by the runner, then scheduler jobs by their drivers. */
export async function runAndSubmit(p: Parsed, workspace: string, id: string, out: Out, after: () => void): Promise<number> {
  const manifest = readManifest(workspace, id);
  const parallel = parallelOf(p);
  let status = 0;
  if (manifest.jobs.some((j) => j.backend === "local")) {
    const live = process.stdout.isTTY === true && !process.env.CI;
    const report = reporter(out, manifest.jobs.length, live);
    const summary = await runExperiment({
      workspace,
      experimentId: id,
      onEvent: report.onEvent,
      capacity: localCapacity(p),
      failFast: p.flags.has("--fail-fast"),
      ...(parallel ? { parallel } : {}),
    });
    report.close();
    printSummary(summary, out);
    status = exitStatus(summary);
    if (summary.interrupted) return status;
  }
  if (schedulersOf(manifest).length) {
    const code = await submitAll(workspace, manifest, out);
    if (code !== 0) status = status || code;
    else out(`submitted: follow with \`experimaestro status ${displayPath(workspace)} ${id}\` (or bash ${join(displayPath(workspace), experimentDir(id), "status.sh")})`);
  }
  after();
  return status;
}
