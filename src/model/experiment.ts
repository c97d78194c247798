/**
 * The experiment keys every YAML may hold, read by experimaestro itself. A module's
 * `Configuration` can extend `ExperimentConfig` to see them in `cfg`; otherwise they are
 * removed before its schema validates the rest.
 */
import { z } from "zod";
import type { Where } from "./diagnostics.ts";

export const ExperimentConfig = z.object({
  /** Names `experiments/<id>` in the workspace and selects workspaces by trigger. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' (it names a folder)"),
  /** The experiment module, relative to the YAML file. */
  file: z.string().optional(),
  /** Or a package specifier resolved from the YAML's folder. */
  module: z.string().optional(),
  /** A module imported before the experiment module (e.g. to stub heavy imports). */
  pre_experiment: z.string().optional(),
  /** What to do when the project's git work tree has uncommitted changes. */
  dirty_git: z.enum(["ignore", "warn", "error"]).default("warn"),
  title: z.string().optional(),
  description: z.string().optional(),
});

export type ExperimentKeys = z.infer<typeof ExperimentConfig>;

export const EXPERIMENT_KEYS = Object.keys(ExperimentConfig.shape) as (keyof ExperimentKeys)[];

/** An experiment module's `run(helper, cfg)`, as the load stage found it (the helper is the evaluate stage's). */
export type RunFunction = (helper: unknown, cfg: Record<string, unknown>) => unknown;

/** What the load stage hands to evaluate: the experiment keys, the validated configuration and `run`. */
export interface LoadedExperiment extends ExperimentKeys {
  /** The YAML file as the user named it (for messages). */
  yamlFile: string;
  /** Every YAML file read, in layering order. */
  yamlFiles: string[];
  /** Absolute path of the experiment module. */
  modulePath: string;
  /** The validated configuration handed to `run` (experiment keys included when the schema declares them). */
  config: Record<string, unknown>;
  run: RunFunction;
  /** Where a string of the configuration was written (file:line:col, or the -c that set it), found by value. */
  locateValue?: (value: string, offset?: number) => Where | undefined;
}
