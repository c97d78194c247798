/**
 * manifest.json: the contract between compile and run/submit. Schema-versioned; jobs in
 * topological order with their dependencies, paths, resources and rendered command.
 */
import type { Json, ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { jobFile, renderWord } from "./paths.ts";

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
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  experiment: string;
  jobs: ManifestJob[];
}

function sortedObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function manifestJob(job: ResolvedJob, assets: ReadonlyMap<string, { rel: string }>): ManifestJob {
  const r = job.resources;
  return {
    key: job.key,
    task: job.taskId,
    name: job.name,
    hash: job.hash,
    dir: job.jobPath,
    script: jobFile(job, "sh"),
    deps: job.deps,
    launcher: r.launcher,
    backend: r.backend,
    resources: { cpus: r.cpus, memory: r.memory ?? null, duration: r.duration ?? null, gpus: r.gpus, options: sortedObject(r.options), extra: r.extra },
    requirements: job.requirements ?? null,
    command: job.command.map((w) => renderWord(w, job.jobPath, assets)),
    tags: sortedObject(job.tags),
    retry: job.retry,
  };
}

/** The manifest document of a resolved plan. */
export function buildManifest(plan: ResolvedPlan, assets: ReadonlyMap<string, { rel: string }>): Manifest {
  return { schema: MANIFEST_SCHEMA, experiment: plan.experimentId, jobs: plan.jobs.map((j) => manifestJob(j, assets)) };
}

/**
 * The manifest as text, one job at a time: the same bytes as stableJson(buildManifest(...)),
 * without holding the whole document twice at 100,000 jobs.
 */
export function* manifestChunks(plan: ResolvedPlan, assets: ReadonlyMap<string, { rel: string }>): Generator<string> {
  yield `{\n  "schema": ${JSON.stringify(MANIFEST_SCHEMA)},\n  "experiment": ${JSON.stringify(plan.experimentId)},\n  "jobs": [`;
  if (plan.jobs.length === 0) {
    yield "]\n}\n";
    return;
  }
  let batch: string[] = [];
  for (const [i, j] of plan.jobs.entries()) {
    batch.push(`${i ? "," : ""}\n    ${JSON.stringify(manifestJob(j, assets), null, 2).replace(/\n/g, "\n    ")}`);
    if (batch.length === 1000) {
      yield batch.join("");
      batch = [];
    }
  }
  yield `${batch.join("")}\n  ]\n}\n`;
}

/** Serialises JSON the same way everywhere (2-space indent, final newline). */
export function stableJson(value: Json | Manifest | object): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
