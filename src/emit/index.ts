/**
 * emit: a resolved plan becomes a map of workspace-relative paths to file contents. Pure: the
 * writer (write.ts) is the only code that touches the disk.
 */
import { posix } from "node:path";
import { backendFor } from "../backends/index.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { buildManifest, stableJson } from "./manifest.ts";
import { experimentDir, jobFile, renderWord } from "./paths.ts";
import { drivers } from "./drivers.ts";
import { render } from "./templates.ts";

/** A project file (content) or folder (files) to ship in the workspace, and where it goes. */
export interface LoadedAsset {
  rel: string;
  content: Buffer | undefined;
  files: { rel: string; content: Buffer }[];
}

export type EmittedFiles = Map<string, string | Buffer>;

function jobScript(job: ResolvedJob, byKey: ReadonlyMap<string, ResolvedJob>, assets: ReadonlyMap<string, LoadedAsset>): string {
  const words = (cmd: typeof job.command) => shellJoin(cmd.map((w) => renderWord(w, job.jobPath, assets)));
  return render("job.sh", {
    directives: backendFor(job.resources.backend).directives(job),
    taskId: job.taskId,
    hash: job.hash,
    name: shellQuote(job.name),
    env: job.resources.env.map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    // One marker per line: long dependency lists stay reviewable.
    deps: job.deps.map((d) => shellQuote(posix.relative(job.jobPath, jobFile(byKey.get(d)!, "done")))).join(" \\\n  "),
    initCommands: job.initCommands.map(words),
    command: words(job.command),
  });
}

/** Every file of a prepared experiment: job dirs, assets, manifest and drivers. */
export function emit(plan: ResolvedPlan, assets: ReadonlyMap<string, LoadedAsset>): EmittedFiles {
  const files: EmittedFiles = new Map();
  const byKey = new Map(plan.jobs.map((j) => [j.key, j]));
  for (const job of plan.jobs) {
    files.set(`${job.jobPath}/params.json`, stableJson(job.params));
    files.set(jobFile(job, "sh"), jobScript(job, byKey, assets));
  }
  for (const a of [...assets.values()].sort((x, y) => (x.rel < y.rel ? -1 : 1))) {
    if (a.content) files.set(a.rel, a.content);
    for (const f of a.files) files.set(`${a.rel}/${f.rel}`, f.content);
  }
  const xp = experimentDir(plan.experimentId);
  files.set(`${xp}/manifest.json`, stableJson(buildManifest(plan, assets)));
  for (const [name, content] of drivers(plan)) files.set(`${xp}/${name}`, content);
  return files;
}
