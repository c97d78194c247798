/**
 * emit: a resolved plan becomes (workspace-relative path, content) pairs, produced lazily so
 * that 100,000 jobs never sit in memory at once. Pure: the writer (write.ts) is the only code
 * that touches the disk. Job files come first, the manifest and drivers last.
 */
import { backendFor } from "../backends/index.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { jobToJob } from "../util/relpath.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { manifestChunks } from "./manifest.ts";
import { experimentDir, jobFile, renderWord } from "./paths.ts";
import { drivers } from "./drivers.ts";
import { render } from "./templates.ts";

/** A project file (content) or folder (files) to ship in the workspace, and where it goes. */
export interface LoadedAsset {
  rel: string;
  content: Buffer | undefined;
  files: { rel: string; content: Buffer }[];
}

/** File content: text, bytes, or (for the large manifest) text produced in chunks. */
export type Content = string | Buffer | { chunks: Iterable<string> };
export type EmittedFiles = Iterable<[string, Content]>;

/** Content as one string or buffer (for small consumers such as --golden). */
export function materialize(c: Content): string | Buffer {
  return typeof c === "string" || Buffer.isBuffer(c) ? c : [...c.chunks].join("");
}

function jobScript(job: ResolvedJob, byKey: ReadonlyMap<string, ResolvedJob>, assets: ReadonlyMap<string, LoadedAsset>): string {
  const words = (cmd: typeof job.command) => shellJoin(cmd.map((w) => renderWord(w, job.jobPath, assets)));
  return render("job.sh", {
    directives: backendFor(job.resources.backend).directives(job),
    taskId: job.taskId,
    hash: job.hash,
    name: shellQuote(job.name),
    env: job.resources.env.map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    // One marker per line: long dependency lists stay reviewable.
    deps: job.deps
      .map((d) => {
        const dep = byKey.get(d)!;
        return shellQuote(jobToJob(job.jobPath, dep.jobPath, `${dep.name}.done`));
      })
      .join(" \\\n  "),
    initCommands: job.initCommands.map(words),
    command: words(job.command),
  });
}

/** Every file of a prepared experiment: job dirs, assets, manifest and drivers. */
export function* emit(plan: ResolvedPlan, assets: ReadonlyMap<string, LoadedAsset>): Generator<[string, Content]> {
  const byKey = new Map(plan.jobs.map((j) => [j.key, j]));
  for (const job of plan.jobs) {
    if (job.params === undefined) throw new Error(`internal: ${job.key} was evaluated without its params.json`);
    yield [`${job.jobPath}/params.json`, job.params];
    yield [jobFile(job, "sh"), jobScript(job, byKey, assets)];
  }
  for (const a of [...assets.values()].sort((x, y) => (x.rel < y.rel ? -1 : 1))) {
    if (a.content) yield [a.rel, a.content];
    for (const f of a.files) yield [`${a.rel}/${f.rel}`, f.content];
  }
  const xp = experimentDir(plan.experimentId);
  yield [`${xp}/manifest.json`, { chunks: manifestChunks(plan, assets) }];
  for (const [name, content] of drivers(plan)) yield [`${xp}/${name}`, content];
}
