/**
 * The job runtime of `execute` tasks, bundled with the task modules into
 * `assets/<digest>/tasks.mjs`: `node tasks.mjs <task id>`, run by the job script in the job's
 * folder, rebuilds the values from params.json, runs the task's execute function with its
 * context, and exits 0 when it returns; a throw is written to `<name>.err` (stack frames in
 * the project's `.ts` files) and exits 1; a stop request that ends it exits 128 + the signal.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants } from "node:os";
import { declaredType, stopTrackingDeclarations, type ConfigType } from "../model/config.ts";
import { jobName } from "../model/workspace.ts";
import { ProgressFile, StopRequest, StopSignals, taskContext } from "./context.ts";
import { describeError } from "./errors.ts";
import { parseJson } from "./json.ts";
import { Decoder, RuntimeError } from "./values.ts";

// The task modules are imported after this one: where they declare their types is not needed here.
stopTrackingDeclarations();

/** The bundle's folder: stack frames of bundled sources are shown relative to it. */
const BUNDLE_DIR = dirname(fileURLToPath(import.meta.url));

interface Job {
  taskId: string;
  identifier: string;
  type: ConfigType;
  jobDir: string;
  workspace: string;
  values: Record<string, unknown>;
}

function say(line: string): void {
  process.stderr.write(`experimaestro: ${line}\n`);
}

/** The job of this folder: its params.json, checked against the task id given, and the values rebuilt. */
function loadJob(argv: readonly string[]): Job {
  const [taskId, ...extra] = argv;
  if (!taskId || extra.length) throw new RuntimeError("usage: node tasks.mjs <task id> (from the job's folder, as its job script does)");
  const jobDir = resolve(process.env.XPM_JOB_DIR ?? process.cwd());
  const workspace = resolve(process.env.XPM_WORKSPACE ?? join(jobDir, "../../.."));
  let doc: unknown;
  try {
    doc = parseJson(readFileSync(join(jobDir, "params.json"), "utf8"));
  } catch (e) {
    throw new RuntimeError(`cannot read ${join(jobDir, "params.json")}: ${(e as Error).message}`);
  }
  const { task, identifier, params } = (doc ?? {}) as { task?: unknown; identifier?: unknown; params?: unknown };
  if (task !== taskId || typeof identifier !== "string" || params === null || typeof params !== "object") {
    throw new RuntimeError(`params.json in ${jobDir} is not the params of a ${taskId} job (it names ${JSON.stringify(task)})`);
  }
  const type = declaredType(taskId);
  if (!type?.task?.execute) {
    throw new RuntimeError(type ? `${taskId} has no execute function in this bundle` : `no bundled module declares ${taskId} (prepare the experiment again to rebuild the bundle)`);
  }
  const values = new Decoder(jobDir, workspace, identifier).config(params as Record<string, unknown>, "params");
  return { taskId, identifier, type, jobDir, workspace, values };
}

/** Exit status and last words for a task's throw (or a stop it honoured by throwing). */
function failure(job: Job, e: unknown, stops: StopSignals): number {
  const d = describeError(e, BUNDLE_DIR);
  process.stderr.write(`${d.text}\n`);
  const stopped = stops.received !== undefined && (e === stops.controller.signal.reason || (e instanceof Error && e.name === "AbortError"));
  if (stopped) {
    const reason = stops.controller.signal.reason as StopRequest;
    say(`${job.taskId} stopped: ${reason.message}`);
    return 128 + constants.signals[stops.received!];
  }
  say(`${job.taskId} failed${d.where ? ` (${d.where})` : ""}: ${d.message}`);
  return 1;
}

/**
 * Runs the task of the job folder; exits the process. `modules` are the task modules (imported
 * by the bundle's entry before this call: their declarations are what it looks the task up in).
 */
export async function main(modules: readonly object[] = [], argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  if (!modules.length) say("warning: the bundle holds no task module");
  let job: Job;
  try {
    job = loadJob(argv);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    say(e.message);
    return process.exit(2);
  }
  const progress = new ProgressFile(job.jobDir, jobName(job.taskId));
  const stops = new StopSignals((signal) => {
    progress.flush();
    say(`${job.taskId} did not stop on ${signal}: exiting`);
    process.exit(128 + constants.signals[signal]);
  });
  const end = (code: number): never => {
    progress.flush();
    stops.dispose();
    return process.exit(code);
  };
  process.on("uncaughtException", (e) => end(failure(job, e, stops)));
  const ctx = taskContext({ ...job, signal: stops.controller.signal, progress });
  try {
    await job.type.task!.execute!(job.values as never, ctx);
  } catch (e) {
    return end(failure(job, e, stops));
  }
  return end(0);
}
