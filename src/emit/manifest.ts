/** Writes manifest.json (its schema and reader are model/manifest.ts). */
import type { ActionWord, ManifestAction, ManifestService } from "../model/actions.ts";
import { MANIFEST_SCHEMA, type ManifestArray, type ManifestJob, type ManifestSubmission } from "../model/manifest.ts";
import { experimentDir } from "../model/workspace.ts";
import type { ArrayGroup, SubmissionPlan } from "./arrays.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { jobFile } from "../model/workspace.ts";
import { renderWord } from "./paths.ts";

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
    ...(job.results === undefined ? {} : { results: job.results }),
  };
}

/**
 * The manifest as text, produced in chunks: one job per line (compact JSON), so a re-planned
 * job shows as a one-line diff and 100,000 jobs take ~60 MB rather than twice that indented.
 * Chunks stay ~50 KB: larger strings go straight to V8's large-object space and pile up there
 * until a full collection.
 */
export function* manifestChunks(plan: ResolvedPlan, assets: ReadonlyMap<string, { rel: string }>, submission?: { groups: readonly ArrayGroup[]; plans: readonly SubmissionPlan[] }): Generator<string> {
  yield `{\n  "schema": ${JSON.stringify(MANIFEST_SCHEMA)},\n  "experiment": ${JSON.stringify(plan.experimentId)},\n  "jobs": [`;
  let batch = "";
  for (let i = 0; i < plan.jobs.length; i++) {
    batch += `${i ? "," : ""}\n    ${JSON.stringify(manifestJob(plan.jobs[i]!, assets))}`;
    if (batch.length > 50_000) {
      yield batch;
      batch = "";
    }
  }
  yield `${batch}${plan.jobs.length ? "\n  " : ""}]${submission ? arraysJson(plan, submission.groups, submission.plans) : ""}${extrasJson(plan, assets)}\n}\n`;
}

/** A command word of an action or service, relative to the workspace (where they run). */
function workspaceWord(w: ActionWord, assets: ReadonlyMap<string, { rel: string }>): string | { param: string } {
  if (typeof w === "string" || "param" in w) return w;
  if ("jobFile" in w) return `jobs/${w.jobFile.job}/${w.jobFile.rel}`;
  const a = assets.get(w.asset);
  if (!a) throw new Error(`internal: asset ${w.asset} was not loaded`);
  return w.member === undefined ? a.rel : `${a.rel}/${w.member}`;
}

/** `"actions"` and `"services"` after the jobs, one per line, only when the experiment has some. */
function extrasJson(plan: ResolvedPlan, assets: ReadonlyMap<string, { rel: string }>): string {
  const desc = (d: string | undefined) => (d === undefined ? {} : { description: d });
  const actions: ManifestAction[] = (plan.actions ?? []).map((a) => ({ name: a.name, ...desc(a.description), params: sortedObject(a.params), command: a.command.map((w) => workspaceWord(w, assets)), needs: a.needs }));
  const services: ManifestService[] = (plan.services ?? []).map((s) => ({ name: s.name, ...desc(s.description), command: s.command.map((w) => workspaceWord(w, assets) as string), ...(s.url === undefined ? {} : { url: s.url }) }));
  let out = "";
  if (actions.length) out += `,\n  "actions": [${actions.map((a) => `\n    ${JSON.stringify(a)}`).join(",")}\n  ]`;
  if (services.length) out += `,\n  "services": [${services.map((s) => `\n    ${JSON.stringify(s)}`).join(",")}\n  ]`;
  return out;
}

/** `"arrays"` (one per line) and `"submission"` after the jobs, when a scheduler has arrays. */
function arraysJson(plan: ResolvedPlan, groups: readonly ArrayGroup[], plans: readonly SubmissionPlan[]): string {
  if (plans.length === 0) return "";
  const at = `${experimentDir(plan.experimentId)}/arrays`;
  const name = (g: ArrayGroup) => (g.jobs.length > 1 ? g.name : g.jobs[0]!.key);
  const arrays: ManifestArray[] = groups
    .filter((g) => g.jobs.length > 1)
    .map((g) => ({
      name: g.name,
      backend: g.backend,
      task: g.task,
      launcher: g.launcher,
      script: `${at}/${g.name}.sh`,
      list: `${at}/${g.name}.list`,
      jobs: g.jobs.map((j) => j.key),
      correlated: g.correlated.map((c) => name(groups[c]!)),
      after: g.after.map((c) => name(groups[c]!)),
      throttle: g.throttle ?? null,
    }));
  const submission: ManifestSubmission[] = plans.map((p) => ({ backend: p.backend, maxArraySize: p.maxArraySize, maxSubmit: p.maxSubmit ?? null, submissions: p.submissions, waves: p.waves ?? null }));
  return `,\n  "arrays": [${arrays.map((a) => `\n    ${JSON.stringify(a)}`).join(",")}\n  ],\n  "submission": ${JSON.stringify(submission)}`;
}
