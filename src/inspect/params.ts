/**
 * A job's parameter values as plain JSON, whoever wrote its params.json: ours (`{task,
 * identifier, params, tags}`) or experimaestro's (`{objects: [...]}`, rebuilt into the same
 * shape: sub-configs as objects with `$type` and `$id`, paths as strings).
 */
import { join } from "node:path";
import { isObject, readJson, xpmOwnPaths, xpmParams } from "./experimaestro.ts";
import type { JobRow } from "./jobs.ts";
import { existsSync } from "node:fs";

export function readParams(workspace: string, job: Pick<JobRow, "dir" | "hash">): Record<string, unknown> {
  const doc = readJson(join(workspace, job.dir, "params.json"));
  if (isObject(doc) && isObject(doc.params)) return doc.params;
  return xpmParams(doc, job.hash)?.params ?? {};
}

/**
 * The job's outputs: the files of its own folder that its parameters name (path generators),
 * as absolute paths. experimaestro marks them (`"base": "job"`); in ours they are the top-level
 * string values that are paths inside the folder (another job's files start with `../`) and
 * exist there.
 */
export function readOutputs(workspace: string, job: Pick<JobRow, "dir" | "hash">): Record<string, string> {
  const abs = join(workspace, job.dir);
  const doc = readJson(join(abs, "params.json"));
  const own = xpmOwnPaths(doc, job.hash);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(own)) out[k] = join(abs, v);
  if (!isObject(doc) || !isObject(doc.params)) return out;
  for (const [k, v] of Object.entries(doc.params)) {
    if (typeof v !== "string" || k.startsWith("$") || v === "" || v.startsWith("/") || v.split("/").includes("..")) continue;
    if (existsSync(join(abs, v))) out[k] = join(abs, v);
  }
  return out;
}
