/**
 * emit: a resolved plan becomes (workspace-relative path, content) pairs, produced lazily so
 * that 100,000 jobs never sit in memory at once. Pure: the writer (write.ts) is the only code
 * that touches the disk. Job files come first, the manifest and drivers last.
 */
import { createHash, hash } from "node:crypto";
import type { Backends, Scheduler } from "../model/backend.ts";
import type { CommandWord, LoadedAsset, ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { jobToJob } from "../util/relpath.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { manifestChunks } from "./manifest.ts";
import { experimentDir, jobFile } from "../model/workspace.ts";
import { renderWord } from "./paths.ts";
import { drivers, submitJobWords } from "./drivers.ts";
import { arrayGroups, submissionPlans } from "./arrays.ts";
import { render } from "./templates.ts";

/** Content made: text, bytes, or (for the large manifest) text produced in chunks. */
export type Made = string | Buffer | { chunks: Iterable<string> };
/**
 * Content made only when needed, with a digest of everything it is made from: the writer skips
 * making it when the prepare record (record.ts) shows the file on disk is still what was
 * written for the same digest.
 */
export interface Deferred {
  digest: string;
  make(): Made;
}
export type Content = Made | Deferred;
export type EmittedFiles = Iterable<[string, Content]>;

export function isDeferred(c: Content): c is Deferred {
  return typeof c === "object" && "make" in c;
}

/** Content as one string or buffer (for small consumers such as --golden). */
export function materialize(c: Content): string | Buffer {
  const made = isDeferred(c) ? c.make() : c;
  return typeof made === "string" || Buffer.isBuffer(made) ? made : [...made.chunks].join("");
}

/**
 * A digest of everything a job's files (params.json, script) and its manifest entry are made
 * from. Conservative: a field that might matter is in (a needless change only costs a render).
 * Command words go in unrendered: their rendering depends only on the job's path and on where
 * the assets are (`assetsAt`). params.json text comes last, unescaped: what precedes it delimits itself.
 */
function jobDigest(job: ResolvedJob, assetsAt: string, resourcesJson: Map<object, string>, params: string): string {
  let resources = resourcesJson.get(job.resources);
  if (resources === undefined) resourcesJson.set(job.resources, (resources = JSON.stringify(job.resources)));
  // The job's name, hash and path derive from its task id and key.
  const fields = JSON.stringify([job.key, job.taskId, job.deps, job.command, job.initCommands, job.tags, job.requirements ?? null, job.launcher ?? null, job.retry, ...(job.resumable !== undefined ? [job.resumable] : [])]);
  return hash("sha1", `${assetsAt}\n${resources}\n${fields}\n${params}`);
}

/** A command as one shell line, its words rendered relative to the job's folder. */
function commandLine(cmd: readonly CommandWord[], jobPath: string, assets: ReadonlyMap<string, LoadedAsset>): string {
  return shellJoin(cmd.map((w) => renderWord(w, jobPath, assets)));
}

/** What every job script of a plan is rendered with. */
interface ScriptContext {
  byKey: ReadonlyMap<string, ResolvedJob>;
  assets: ReadonlyMap<string, LoadedAsset>;
  backends: Backends;
}

function jobScript(job: ResolvedJob, { byKey, assets, backends }: ScriptContext): string {
  const backend = backends.of(job.resources.backend);
  const duration = job.resources.duration;
  return render("job.sh", {
    directives: backend.directives(job),
    // Seconds; a scheduler enforces it itself, elsewhere the script's watchdog does.
    limit: duration === undefined ? "" : String(Math.ceil(duration)),
    watchdog: duration !== undefined && backend.scheduler === undefined,
    // A scheduler may kill the job's whole tree at once (OAR): a watcher outside it writes the
    // marker. Elsewhere whoever runs the script waits for it and writes it (the runner, run-local.sh).
    watcher: backend.scheduler !== undefined,
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
    initCommands: job.initCommands.map((cmd) => commandLine(cmd, job.jobPath, assets)),
    command: commandLine(job.command, job.jobPath, assets),
    continuation: continuationView(job, backend.scheduler),
  });
}

/** The continuation block of a resumable task's script, when its scheduler declares continuations. */
function continuationView(job: ResolvedJob, s: Scheduler | undefined) {
  const c = s?.continuation;
  if (job.resumable === undefined || !s || !c) return undefined;
  const fill = (words: readonly string[]) => words.map((w) => (w === "{id}" ? '"$1"' : w.includes("{") ? `"${w.replace("{id}", "$cid").replace("{dependency}", "$xpm_dep")}"` : shellQuote(w)));
  return {
    max: job.resumable,
    selfId: c.selfId,
    jobWords: submitJobWords(s),
    show: shellJoin(c.show),
    pending: shellQuote(c.pending),
    dependency: shellQuote(c.dependency),
    update: fill(c.update).join(" "),
    submit: shellJoin(s.submit.command),
    afterEnd: shellQuote(c.afterEnd),
    jobId: shellQuote(s.jobId),
    idExtension: s.idExtension,
  };
}

// Deferred job files are classes, not closures: 200,000 of them are made at 100,000 jobs.
class ParamsFile implements Deferred {
  constructor(
    readonly digest: string,
    private readonly text: string,
  ) {}
  make(): string {
    return this.text;
  }
}

class JobScript implements Deferred {
  constructor(
    readonly digest: string,
    private readonly job: ResolvedJob,
    private readonly context: ScriptContext,
  ) {}
  make(): string {
    return jobScript(this.job, this.context);
  }
}

/** Every file of a prepared experiment: job dirs, assets, manifest and drivers. */
export function* emit(plan: ResolvedPlan, assets: ReadonlyMap<string, LoadedAsset>, backends: Backends): Generator<[string, Content]> {
  const context: ScriptContext = { byKey: new Map(plan.jobs.map((j) => [j.key, j])), assets, backends };
  // The manifest and drivers are made from the jobs, in order, and from nothing else.
  const planDigest = createHash("sha1").update(plan.experimentId);
  // Jobs of a grid share a few resource objects: each is serialised once.
  const resourcesJson = new Map<object, string>();
  const assetsAt = JSON.stringify([...assets].map(([id, a]) => [id, a.rel]));
  for (const job of plan.jobs) {
    const params = job.params;
    if (params === undefined) throw new Error(`internal: ${job.key} was evaluated without its params.json`);
    const digest = jobDigest(job, assetsAt, resourcesJson, params);
    planDigest.update(digest);
    yield [`${job.jobPath}/params.json`, new ParamsFile(digest, params)];
    yield [jobFile(job, "sh"), new JobScript(digest, job, context)];
  }
  // Actions and services are in the manifest too (absent from most plans: the digest stays as it was).
  if (plan.actions || plan.services) planDigest.update(JSON.stringify([plan.actions ?? [], plan.services ?? []]));
  const digest = planDigest.digest("hex");
  for (const a of [...assets.values()].sort((x, y) => (x.rel < y.rel ? -1 : 1))) {
    if (a.content) yield [a.rel, a.content];
    for (const f of a.files) yield [`${a.rel}/${f.rel}`, f.content];
  }
  const xp = experimentDir(plan.experimentId);
  const groups = backends.schedulers().some((b) => b.scheduler!.arrays) ? arrayGroups(plan, backends) : [];
  const submission = { groups, plans: submissionPlans(plan, backends, groups) };
  yield [`${xp}/manifest.json`, { digest, make: () => ({ chunks: manifestChunks(plan, assets, submission) }) }];
  for (const [name, make] of drivers(plan, backends, groups)) yield [`${xp}/${name}`, { digest, make }];
}
