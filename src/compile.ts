/**
 * The compile driver: the only module that knows the order of the stages.
 * load -> evaluate -> plan -> resolve -> emit (then prepare.ts writes, runs or submits).
 */
import { backends } from "./backends/index.ts";
import { emit, type EmittedFiles } from "./emit/index.ts";
import { evaluate } from "./evaluate/index.ts";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAssets } from "./load/assets.ts";
import { bundleTasks } from "./load/bundle.ts";
import { loadExperiment, type LoadOptions } from "./load/index.ts";
import type { LoadedExperiment } from "./model/experiment.ts";
import { configDir, loadLaunchers } from "./load/launchers.ts";
import { loadSettings, type Settings } from "./load/settings.ts";
import type { Launcher } from "./model/launchers.ts";
import { TASKS_BUNDLE, type Evaluated, type LoadedAsset, type ResolvedPlan } from "./model/plan.ts";
import { plan } from "./plan/index.ts";
import { resolve } from "./resolve/index.ts";

export interface Loaded {
  experiment: LoadedExperiment;
  launchers: Launcher[];
  settings: Settings;
}

/** The load stage: settings and launchers first (their errors come before running user code), then the experiment. */
export async function load(yaml: string, opts: LoadOptions & { configDir?: string } = {}): Promise<Loaded> {
  const dir = configDir(opts.configDir);
  const settings = loadSettings(dir);
  const { launchers } = loadLaunchers(dir, backends);
  const experiment = await loadExperiment(yaml, opts);
  return { experiment, launchers, settings };
}

export interface Compiled {
  plan: ResolvedPlan;
  /** Workspace-relative paths to contents; undefined when `emit` is false (dry-run). */
  files: EmittedFiles | undefined;
}

/** The job runtime of execute tasks, bundled with their modules. */
const RUNTIME_ENTRY = fileURLToPath(new URL("./runtime/main.ts", import.meta.url));

/** The project files commands use and, when there are execute tasks, their bundle. */
async function assetsOf(loaded: Loaded, evaluated: Evaluated): Promise<Map<string, LoadedAsset>> {
  const assets = loadAssets(evaluated);
  const modules = evaluated.executeModules ?? [];
  if (modules.length) {
    const experimentYaml = resolvePath(loaded.experiment.yamlFile);
    assets.set(TASKS_BUNDLE, await bundleTasks({ modules, experimentYaml, runtimeEntry: RUNTIME_ENTRY }));
  }
  return assets;
}

/** evaluate -> plan -> resolve (-> emit) over a loaded experiment; `env` is the job environment after the launcher's. */
export async function compileLoaded(loaded: Loaded, env: readonly [string, string][], opts: { emit?: boolean } = {}): Promise<Compiled> {
  const evaluated = await evaluate(loaded.experiment, { params: opts.emit !== false });
  const resolved: ResolvedPlan = resolve(plan(evaluated), loaded.launchers, env, loaded.experiment.locateValue);
  // Actions and services go from evaluate to the manifest untouched by plan and resolve.
  if (evaluated.actions) resolved.actions = evaluated.actions;
  if (evaluated.services) resolved.services = evaluated.services;
  const files = opts.emit === false ? undefined : emit(resolved, await assetsOf(loaded, evaluated), backends);
  return { plan: resolved, files };
}

/** Loads and compiles in one call (for scripts and benchmarks). */
export async function compile(yaml: string, opts: LoadOptions & { configDir?: string; emit?: boolean } = {}): Promise<Compiled & { loaded: Loaded }> {
  const loaded = await load(yaml, opts);
  return { loaded, ...(await compileLoaded(loaded, [], opts)) };
}
