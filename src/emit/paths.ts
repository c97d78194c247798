/** Workspace-relative paths of emitted files, shared by emit, run and submit. */
import { jobToJob, relativePath } from "../util/relpath.ts";
import type { CommandWord } from "../model/plan.ts";

/** `experiments/<id>`: the experiment's folder in the workspace. */
export function experimentDir(experimentId: string): string {
  return `experiments/${experimentId}`;
}

/** A job's file, e.g. `jobs/<task>/<hash>/<name>.done`. */
export function jobFile(job: { jobPath: string; name: string }, ext: string): string {
  return `${job.jobPath}/${job.name}.${ext}`;
}

/** Where a project file is copied: content-addressed, so versions never clash. */
export function assetPath(digest: string, basename: string): string {
  return `assets/${digest.slice(0, 16)}/${basename}`;
}

/** Renders one command word as a path or literal relative to the job directory `jobPath`. */
export function renderWord(word: CommandWord, jobPath: string, assets: ReadonlyMap<string, { rel: string }>): string {
  if (typeof word === "string") return word;
  if ("jobFile" in word) return jobToJob(jobPath, `jobs/${word.jobFile.job}`, word.jobFile.rel) || ".";
  const a = assets.get(word.asset);
  if (!a) throw new Error(`internal: asset ${word.asset} was not loaded`);
  return relativePath(jobPath, word.member === undefined ? a.rel : `${a.rel}/${word.member}`);
}
