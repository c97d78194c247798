/**
 * The driver: the only module that knows the order of the stages.
 * load -> evaluate -> plan -> resolve -> emit (then the CLI writes, runs or submits).
 */
import { emit, type EmittedFiles } from "./emit/index.ts";
import { evaluate } from "./evaluate/index.ts";
import { loadAssets } from "./load/assets.ts";
import { loadExperiment, type LoadOptions, type LoadedExperiment } from "./load/index.ts";
import { configDir, loadLaunchers } from "./load/launchers.ts";
import type { ResolvedPlan } from "./model/plan.ts";
import { plan } from "./plan/index.ts";
import { resolve } from "./resolve/index.ts";

export interface Compiled {
  loaded: LoadedExperiment;
  plan: ResolvedPlan;
  /** Workspace-relative paths to contents; only computed when `emit` is asked. */
  files: EmittedFiles | undefined;
}

/** Compiles an experiment YAML into a resolved plan and (optionally) the files to write. */
export async function compile(yaml: string, opts: LoadOptions & { emit?: boolean; configDir?: string } = {}): Promise<Compiled> {
  const { launchers } = loadLaunchers(configDir(opts.configDir));
  const loaded = await loadExperiment(yaml, opts);
  const evaluated = await evaluate(loaded);
  const resolved = resolve(plan(evaluated), launchers);
  const files = opts.emit === false ? undefined : emit(resolved, loadAssets(evaluated));
  return { loaded, plan: resolved, files };
}
