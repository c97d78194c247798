/**
 * What Python experimaestro leaves in a workspace, read back (see ../shared/vectors/xpm-workspace/):
 *
 * ```
 * jobs/<task id>/<hash>/          <name>.py, params.json {"objects": [...]}, .experimaestro/status.json,
 *                                 <name>.done / .failed / .err / .out / .lock / .pid
 * experiments/<id>/current        -> <run id> (a symlink), the latest run
 * experiments/<id>/<run id>/      jobs.jsonl ({job_id, task_id, tags, timestamp} per line), status.json
 * ```
 *
 * Its markers are ours (model/state.ts reads them); what differs is its params.json, its
 * experiment folders and its pid file (JSON `{"type": "local", "pid": N}`).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Tags } from "../model/values.ts";

/** One run of an experimaestro experiment: the jobs it submitted, with their tags. */
export interface XpmRun {
  experiment: string;
  /** The run folder, workspace-relative (`experiments/<id>/<run id>`). */
  dir: string;
  jobs: Map<string, { task: string; tags: Tags; timestamp: number | undefined }>;
  startedAt: number | undefined;
  endedAt: number | undefined;
  hostname: string | undefined;
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function time(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** The current run of an experimaestro experiment (`current`, else the last run folder), if there is one. */
export function readXpmRun(workspace: string, experimentId: string): XpmRun | undefined {
  const xpDir = join(workspace, "experiments", experimentId);
  let run: string | undefined;
  try {
    run = realpathSync(join(xpDir, "current")).split("/").pop();
  } catch {
    const runs = safeList(xpDir).filter((r) => existsSync(join(xpDir, r, "jobs.jsonl")));
    run = runs.sort().pop();
  }
  if (!run || !existsSync(join(xpDir, run, "jobs.jsonl"))) return undefined;
  const jobs: XpmRun["jobs"] = new Map();
  for (const line of readFileSync(join(xpDir, run, "jobs.jsonl"), "utf8").split("\n")) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isObject(entry) || typeof entry.job_id !== "string") continue;
    const tags = isObject(entry.tags) ? (Object.fromEntries(Object.entries(entry.tags).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))) as Tags) : {};
    jobs.set(entry.job_id, { task: String(entry.task_id ?? ""), tags, timestamp: typeof entry.timestamp === "number" ? entry.timestamp * 1000 : undefined });
  }
  const status = readJson(join(xpDir, run, "status.json"));
  const s = isObject(status) ? status : {};
  return { experiment: experimentId, dir: `experiments/${experimentId}/${run}`, jobs, startedAt: time(s.started_at), endedAt: time(s.ended_at), hostname: typeof s.hostname === "string" ? s.hostname : undefined };
}

export function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

type XpmObject = { id: number; typename?: string; identifier?: string; fields?: Record<string, unknown> };

/**
 * experimaestro's params.json (`{"objects": [...]}`) as plain values in our shape: the task's
 * fields, sub-configs as objects with `$type` and `$id`, paths as their (relative) string.
 */
export function xpmParams(doc: unknown, identifier: string): { task: string | undefined; params: Record<string, unknown> } | undefined {
  if (!isObject(doc) || !Array.isArray(doc.objects)) return undefined;
  const objects = new Map<number, XpmObject>();
  for (const o of doc.objects as XpmObject[]) if (isObject(o)) objects.set(o.id, o);
  const task = [...objects.values()].find((o) => o.identifier === identifier) ?? [...objects.values()].pop();
  if (!task) return undefined;
  const seen = new Set<number>();
  const value = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(value);
    if (!isObject(v)) return v;
    if (v.type === "path" && typeof v.value === "string") return v.value;
    if (v.type === "python" && typeof v.value === "number") {
      const o = objects.get(v.value);
      if (!o || seen.has(o.id)) return o?.identifier ? { $ref: o.identifier } : null;
      seen.add(o.id);
      const out = config(o);
      seen.delete(o.id);
      return out;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
  };
  const config = (o: XpmObject): Record<string, unknown> => ({
    $type: o.typename,
    $id: o.identifier,
    ...Object.fromEntries(Object.entries(o.fields ?? {}).map(([k, x]) => [k, value(x)])),
  });
  return { task: task.typename, params: config(task) };
}

/**
 * The job folder's own files named by its parameters: experimaestro marks them (`"base": "job"`);
 * ours are job-relative paths (in params.json, another job's files start with `../`).
 */
export function xpmOwnPaths(doc: unknown, identifier: string): Record<string, string> {
  if (!isObject(doc) || !Array.isArray(doc.objects)) return {};
  const task = (doc.objects as XpmObject[]).find((o) => isObject(o) && o.identifier === identifier);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(task?.fields ?? {})) {
    if (isObject(v) && v.type === "path" && v.base === "job" && typeof v.value === "string") out[k] = v.value;
  }
  return out;
}

/** A pid file: experimaestro's JSON (`{"type": "local", "pid": 123}`) or a bare number. */
export function parsePidFile(text: string): { type: string; pid: string } | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { type: "local", pid: trimmed };
  try {
    const doc = JSON.parse(trimmed);
    if (isObject(doc) && (typeof doc.pid === "number" || typeof doc.pid === "string")) return { type: typeof doc.type === "string" ? doc.type : "local", pid: String(doc.pid) };
  } catch {
    /* not a pid file we understand */
  }
  return undefined;
}
