/**
 * Running a prepared experiment: its services started, local jobs by the runner, scheduler jobs
 * by their drivers. Apart from prepare.ts, so that `experimaestro run` loads the runner and the
 * drivers, not the compile chain (loading, evaluation, emission).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { backends } from "./backends/index.ts";
import { configDir } from "./load/config-dir.ts";
import { startService, type RunningService } from "./act/services.ts";
import { Codes, type Diagnostic } from "./model/diagnostics.ts";
import { readManifest, type Manifest } from "./model/manifest.ts";
import type { ResolvedPlan } from "./model/plan.ts";
import type { WriteReport } from "./emit/write.ts";
import type { Capacity } from "./run/capacity.ts";
import { detectedCapacity, runExperiment, type RunEvent, type RunSummary } from "./run/index.ts";
import { schedulersOf, submitAll } from "./submit/index.ts";

/** How the driver reports while it works (the CLI prints; tests may collect). */
export interface Host {
  info(line: string): void;
  warn(diagnostics: readonly Diagnostic[]): void;
  /** The files are written (before anything runs, in normal mode). */
  written(workspace: string, plan: ResolvedPlan, report: WriteReport): void;
  /** Shows the local runner's progress over `total` jobs of `workspace`; `close` gets its summary. */
  progress(total: number, workspace?: string): { onEvent(e: RunEvent): void; close(summary: RunSummary): void };
}

export interface RunRequest {
  parallel?: number | undefined;
  failFast?: boolean;
  /** The settings folder (for the local launcher's capacity). */
  configDir?: string | undefined;
  /** Start the experiment's services around the run (default true), and leave them running after it (`--keep-services`). */
  services?: boolean;
  keepServices?: boolean;
}

/** What running a prepared experiment came to: the local runner's summary and the drivers' exit status. */
export interface RunOutcome {
  summary: RunSummary | undefined;
  /** First non-zero exit status of a submit driver, else 0; undefined when there were no scheduler jobs. */
  submitted: number | undefined;
}

/**
 * The local launcher's capacity from launchers.yaml, else this machine as detected. (Its
 * reader, and the schemas it needs, are loaded only when the file exists.)
 */
async function localCapacity(dir: string | undefined): Promise<Capacity> {
  const folder = configDir(dir);
  const detected = detectedCapacity();
  if (!existsSync(join(folder, "launchers.yaml"))) return detected;
  const { loadLaunchers } = await import("./load/launchers.ts");
  const local = loadLaunchers(folder, backends).launchers.find((l) => l.type === "local");
  if (!local) return detected;
  return {
    cores: local.cores ?? detected.cores,
    memory: local.memory ?? detected.memory,
    gpus: local.accelerators.reduce((n, a) => n + a.count, 0),
  };
}

/** The experiment's services, started before its jobs; one that cannot start is a warning. */
async function startServices(workspace: string, manifest: Manifest, host: Host): Promise<RunningService[]> {
  const started: RunningService[] = [];
  for (const s of manifest.services ?? []) {
    try {
      const r = await startService(workspace, manifest.experiment, s);
      started.push(r);
      host.info(`service ${s.name}: ${r.url ?? `running (pid ${r.pid})`} (log: ${r.log})`);
    } catch (e) {
      host.warn([{ code: Codes.SERVICE_FAILED, message: (e as Error).message, severity: "warning", hint: `see its log; start it again with \`experimaestro services start <workspace> ${manifest.experiment} ${s.name}\`` }]);
    }
  }
  return started;
}

/**
 * A prepared experiment: its services started (unless asked not to), local jobs by the runner,
 * then scheduler jobs by their drivers; the services stopped at the end unless `keepServices`.
 */
export async function runPrepared(workspace: string, experimentId: string, request: RunRequest, host: Host): Promise<RunOutcome> {
  const manifest = readManifest(workspace, experimentId);
  const services = request.services === false ? [] : await startServices(workspace, manifest, host);
  try {
    return await runJobs(workspace, manifest, request, host);
  } finally {
    if (request.keepServices) {
      for (const s of services) host.info(`service ${s.name} left running (pid ${s.pid}): stop it with \`experimaestro services stop ${workspace} ${experimentId} ${s.name}\``);
    } else await Promise.all(services.map((s) => s.stop()));
  }
}

async function runJobs(workspace: string, manifest: Manifest, request: RunRequest, host: Host): Promise<RunOutcome> {
  const experimentId = manifest.experiment;
  const outcome: RunOutcome = { summary: undefined, submitted: undefined };
  if (manifest.jobs.some((j) => j.backend === "local")) {
    const progress = host.progress(manifest.jobs.length, workspace);
    outcome.summary = await runExperiment({
      workspace,
      experimentId,
      onEvent: progress.onEvent,
      capacity: await localCapacity(request.configDir),
      failFast: request.failFast ?? false,
      ...(request.parallel ? { parallel: request.parallel } : {}),
    });
    progress.close(outcome.summary);
    if (outcome.summary.interrupted) return outcome;
  }
  if (schedulersOf(manifest, backends).length) outcome.submitted = await submitAll(workspace, manifest, backends, host.info);
  return outcome;
}
