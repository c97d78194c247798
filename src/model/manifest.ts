/**
 * manifest.json: the contract between prepare and everything that runs or reads a workspace
 * back (runner, drivers, status). Schema-versioned; jobs in topological order with their
 * dependencies, paths, resources and rendered command. Emit writes it; this module reads it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ManifestAction, ManifestService } from "./actions.ts";
import { Codes, fail } from "./diagnostics.ts";
import { EXPERIMENT_FILES, experimentFile } from "./workspace.ts";

export const MANIFEST_SCHEMA = "experimaestro-ts/manifest@1";

export interface ManifestJob {
  key: string;
  task: string;
  name: string;
  hash: string;
  dir: string;
  script: string;
  deps: string[];
  launcher: string;
  backend: string;
  resources: { cpus: number; memory: number | null; duration: number | null; gpus: number; options: Record<string, string>; extra: string[] };
  requirements: string | null;
  command: string[];
  tags: Record<string, string | number | boolean>;
  retry: { max: number; durationFactor: number };
  /** The job's JSON result file, relative to its folder (written only when the task declares one). */
  results?: string;
}

/** A group of jobs a scheduler driver submits as one array (src/emit/arrays.ts). */
export interface ManifestArray {
  name: string;
  backend: string;
  task: string;
  launcher: string;
  /** The array script and its list file, workspace-relative. */
  script: string;
  list: string;
  /** Job keys, in element order (element k runs line k+1 of the list). */
  jobs: string[];
  /** Arrays (or jobs) whose element k is the parent of element k here (`aftercorr`); the others are waited for whole. */
  correlated: string[];
  after: string[];
  throttle: number | null;
}

/** What a scheduler driver submits: arrays of at most `maxArraySize`, and waves under `maxSubmit`. */
export interface ManifestSubmission {
  backend: string;
  maxArraySize: number;
  maxSubmit: number | null;
  submissions: number;
  waves: { name: string; jobs: number }[][] | null;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  experiment: string;
  jobs: ManifestJob[];
  /** Arrays and waves of the scheduler drivers; absent when no scheduler has arrays. */
  arrays?: ManifestArray[];
  submission?: ManifestSubmission[];
  /** `helper.addAction` / `helper.addService` (model/actions.ts); absent when there are none. */
  actions?: ManifestAction[];
  services?: ManifestService[];
}

/** Where an experiment's manifest is, workspace-relative. */
export function manifestPath(experimentId: string): string {
  return experimentFile(experimentId, EXPERIMENT_FILES.manifest);
}

/** Reads a prepared experiment's manifest, or fails with a diagnostic saying what to do. */
export function readManifest(workspace: string, experimentId: string): Manifest {
  const file = join(workspace, manifestPath(experimentId));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail(Codes.MANIFEST_INVALID, `no prepared experiment '${experimentId}' in ${workspace}`, {
      where: { file },
      hint: "run `experimaestro run-experiment <yaml> --run-mode prepare` first, or check the workspace path and experiment id",
    });
  }
  let doc: Manifest;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(Codes.MANIFEST_INVALID, `${file} is not valid JSON: ${(e as Error).message}`, {
      where: { file },
      hint: "prepare the experiment again to rewrite it",
    });
  }
  if (doc.schema !== MANIFEST_SCHEMA) {
    fail(Codes.MANIFEST_INVALID, `${file} has schema '${String(doc.schema)}', this version reads '${MANIFEST_SCHEMA}'`, {
      where: { file },
      hint: "prepare the experiment again with this version of experimaestro-ts",
    });
  }
  return doc;
}
