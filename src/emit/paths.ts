/** Command words rendered relative to a job directory (the layout itself is model/workspace.ts). */
import { jobToJob, relativePath } from "../util/relpath.ts";
import type { CommandWord } from "../model/plan.ts";

/** Renders one command word as a path or literal relative to the job directory `jobPath`. */
export function renderWord(word: CommandWord, jobPath: string, assets: ReadonlyMap<string, { rel: string }>): string {
  if (typeof word === "string") return word;
  if ("jobFile" in word) return jobToJob(jobPath, `jobs/${word.jobFile.job}`, word.jobFile.rel) || ".";
  const a = assets.get(word.asset);
  if (!a) throw new Error(`internal: asset ${word.asset} was not loaded`);
  return relativePath(jobPath, word.member === undefined ? a.rel : `${a.rel}/${word.member}`);
}
