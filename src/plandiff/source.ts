/**
 * One side of a plan diff: a manifest and, when the side has them, the files it was emitted
 * with (params.json, job scripts, assets, drivers). A side is a prepared workspace or a golden
 * folder (the same layout), a lone manifest.json, or an emitted file map (a compile held in
 * memory, nothing written).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { MANIFEST_SCHEMA, type Manifest } from "../model/manifest.ts";
import { EXPERIMENT_FILES, experimentDir } from "../model/workspace.ts";

export interface PlanSource {
  /** How the side was named, for messages. */
  label: string;
  manifest: Manifest;
  /** A workspace-relative file, or undefined when this side does not hold it. */
  read(path: string): string | Buffer | undefined;
  /** The files below a workspace-relative folder, relative to the workspace (empty when this side has none). */
  list(folder: string): string[];
  /** Every file of an emitted tree (a compile, a golden folder read whole); undefined for a workspace or a lone manifest. */
  tree: readonly string[] | undefined;
  /** Whether job files (params.json, scripts) can be read. */
  hasJobFiles: boolean;
}

/** Parses a manifest's text, or fails saying which side it is. */
function parseManifest(text: string, where: string): Manifest {
  let doc: Manifest;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(Codes.MANIFEST_INVALID, `${where} is not valid JSON: ${(e as Error).message}`, { where: { file: where }, hint: "prepare the experiment again to rewrite it" });
  }
  if (doc?.schema !== MANIFEST_SCHEMA || !Array.isArray(doc.jobs)) {
    fail(Codes.MANIFEST_INVALID, `${where} is not an experimaestro-ts manifest (schema '${String(doc?.schema)}', expected '${MANIFEST_SCHEMA}')`, {
      where: { file: where },
      hint: "give a manifest.json written by `run-experiment --run-mode prepare` (or a golden folder)",
    });
  }
  return doc;
}

/** The experiment ids an emitted tree holds (from its `experiments/<id>/manifest.json` files). */
function experimentsIn(paths: Iterable<string>): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const m = /^experiments\/([^/]+)\/manifest\.json$/.exec(p);
    if (m) out.push(m[1]!);
  }
  return out.sort();
}

/** The experiment to read: the one asked for, else the only one there. */
function chooseExperiment(ids: readonly string[], asked: string | undefined, label: string): string {
  if (asked !== undefined) {
    if (ids.includes(asked)) return asked;
    return fail(Codes.DIFF_EXPERIMENT, `${label} has no prepared experiment '${asked}'${ids.length ? ` (it has ${ids.join(", ")})` : ""}`, {
      hint: ids.length ? `use one of ${ids.map((i) => `${label}:${i}`).join(", ")}` : "prepare the experiment there first (run-experiment --run-mode prepare)",
    });
  }
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) return fail(Codes.DIFF_SOURCE, `${label} holds no prepared experiment (no experiments/<id>/manifest.json)`, { hint: "give a workspace or golden folder written by prepare, a manifest.json or an experiment YAML" });
  return fail(Codes.DIFF_EXPERIMENT, `${label} holds ${ids.length} experiments (${ids.join(", ")}): say which one`, { hint: `${label}:${ids[0]} or --experiment ${ids[0]}` });
}

/** An emitted file map (a compile, or a golden tree read into memory) as a side. */
export function fromFiles(files: ReadonlyMap<string, string | Buffer>, label: string, experiment?: string): PlanSource {
  const id = chooseExperiment(experimentsIn(files.keys()), experiment, label);
  const manifestFile = `${experimentDir(id)}/${EXPERIMENT_FILES.manifest}`;
  const manifest = parseManifest(String(files.get(manifestFile)), `${label}/${manifestFile}`);
  const tree = [...files.keys()].sort();
  const list = (folder: string) => tree.filter((p) => p.startsWith(`${folder}/`));
  return { label, manifest, read: (p) => files.get(p), list, tree, hasJobFiles: true };
}

/** Every file below `dir`, relative to `root`, sorted (the prepare record `.xpm/` left out); empty when there is no such folder. */
export function listTree(dir: string, root = dir): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (d === root && e.name === ".xpm") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A golden folder read whole: path -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  return new Map(listTree(dir).map((p) => [p, readFileSync(join(dir, p))]));
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A folder laid out as a workspace: a golden folder (the whole tree is the plan) or a workspace (only what the manifest names). */
export function fromDirectory(dir: string, label: string, experiment?: string): PlanSource {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(dir, "experiments")).filter((id) => existsSync(join(dir, experimentDir(id), EXPERIMENT_FILES.manifest)));
  } catch {
    // No experiments folder: chooseExperiment says so.
  }
  const id = chooseExperiment(ids.sort(), experiment, label);
  const manifestFile = join(dir, experimentDir(id), EXPERIMENT_FILES.manifest);
  const manifest = parseManifest(readFileSync(manifestFile, "utf8"), manifestFile);
  // A workspace keeps every job and asset ever prepared there, and its runs' outputs: only what the manifest names is read.
  return { label, manifest, read: (p) => readOrUndefined(join(dir, p)), list: (folder) => listTree(join(dir, folder), dir), tree: undefined, hasJobFiles: true };
}

/** A lone manifest.json: job files come from the workspace around it when it is inside one. */
export function fromManifestFile(file: string, label: string): PlanSource {
  const text = readOrUndefined(file);
  if (text === undefined) fail(Codes.DIFF_SOURCE, `cannot read ${label}`, { where: { file } });
  const manifest = parseManifest(text.toString("utf8"), label);
  // <ws>/experiments/<id>/manifest.json: the workspace is two folders up.
  const ws = resolve(dirname(file), "..", "..");
  const inWorkspace = basename(dirname(dirname(file))) === "experiments" && manifest.jobs.every((j) => existsSync(join(ws, j.dir, "params.json")));
  return {
    label,
    manifest,
    read: (p) => (inWorkspace ? readOrUndefined(join(ws, p)) : undefined),
    list: (folder) => (inWorkspace ? listTree(join(ws, folder), ws) : []),
    tree: undefined,
    hasJobFiles: inWorkspace,
  };
}

/** Whether `path` is a folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A side named on the command line, other than an experiment YAML: `DIR` (a workspace or a
 * golden folder), `DIR:ID` (its experiment ID), or a manifest.json. `experiment` is the id to
 * use when the name gives none and the folder holds several.
 */
export function openSource(spec: string, cwd: string, experiment?: string): PlanSource {
  let [path, label, id] = [resolve(cwd, spec), spec, experiment];
  const colon = spec.lastIndexOf(":");
  if (!existsSync(path) && colon > 0 && isDirectory(resolve(cwd, spec.slice(0, colon)))) {
    label = spec.slice(0, colon);
    path = resolve(cwd, label);
    id = spec.slice(colon + 1);
  }
  if (isDirectory(path)) return fromDirectory(path, label, id);
  if (existsSync(path) && path.endsWith(".json")) return fromManifestFile(path, spec);
  return fail(Codes.DIFF_SOURCE, existsSync(path) ? `'${spec}' is not a plan: give a workspace or golden folder, DIR:EXPERIMENT_ID, or a manifest.json` : `'${spec}' does not exist`, {
    hint: "a side is a workspace or golden folder (DIR, or DIR:ID when it holds several experiments), an experiments/<id>/manifest.json, or (for `experimaestro diff`) an experiment YAML",
  });
}
