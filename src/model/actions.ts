/**
 * Actions and services of an experiment: what `helper.addAction` / `helper.addService` declare,
 * what evaluate records, and how the manifest holds them (`actions`, `services`: present only
 * when the experiment declares some, so other manifests are unchanged).
 *
 * - An **action** is a command run on demand once the jobs it needs are done
 *   (`experimaestro actions run <ws> <id> [name]`), e.g. copying the best model. Its params are
 *   typed and asked when it runs (`--answer name=value`, a question on a terminal, else the default).
 * - A **service** is a long-running process tied to the experiment (a server over the job
 *   folders): `normal` mode starts it before the jobs and stops it after; `experimaestro services
 *   start` starts it later. `{port}` in its command words or URL is a free port chosen at start.
 * Both run from the workspace folder, with `XPM_WORKSPACE` and `XPM_EXPERIMENT` set; job files
 * and assets in their commands are workspace-relative paths.
 */
import type { CommandWord } from "./plan.ts";

export const ACTION_PARAM_TYPES = ["string", "int", "float", "bool", "path"] as const;
export type ActionParamType = (typeof ACTION_PARAM_TYPES)[number];

/** A typed param of an action, given when the action runs. */
export interface ActionParam {
  type: ActionParamType;
  /** The question asked on a terminal (default: the param's name). */
  question?: string;
  default?: string | number | boolean;
  /** The allowed values (as typed). */
  choices?: (string | number)[];
}

/** Where an action param goes in the command, until the action runs. */
export class ActionParamRef {
  constructor(readonly name: string) {}
}

/** A word of an action's or service's command, as evaluate records it. */
export type ActionWord = CommandWord | { param: string };

export interface ActionRecord {
  name: string;
  description?: string | undefined;
  params: Record<string, ActionParam>;
  command: ActionWord[];
  /** Keys of the jobs that must be done first, sorted. */
  needs: string[];
}

export interface ServiceRecord {
  name: string;
  description?: string | undefined;
  command: CommandWord[];
  /** Where to reach it, e.g. `http://127.0.0.1:{port}/`. */
  url?: string | undefined;
}

/** An action in manifest.json: command words rendered relative to the workspace. */
export interface ManifestAction {
  name: string;
  description?: string;
  params: Record<string, ActionParam>;
  command: (string | { param: string })[];
  needs: string[];
}

export interface ManifestService {
  name: string;
  description?: string;
  command: string[];
  url?: string;
}

/** Names of actions and services: a word that is safe as a file name. */
export const EXTRA_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Where a service's log and pid record live, workspace-relative. */
export function serviceFile(experimentId: string, name: string, ext: "log" | "json"): string {
  return `experiments/${experimentId}/services/${name}.${ext}`;
}
