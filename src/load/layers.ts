/**
 * YAML layering as in experimaestro: `imports:` (recursive, relative to the importing file),
 * `--pre-yaml` files, the experiment file, `--post-yaml` files, then `-c key.path=value`.
 * Later layers win; maps merge deeply, lists are replaced. Every value remembers the layer it
 * came from, so an error points at the right file, line and column.
 */
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Codes, fail, type Where } from "../model/diagnostics.ts";
import { displayPath } from "../util/text.ts";
import { isScalar } from "yaml";
import { locate, parseOverride, readYaml, type YamlSource } from "./yaml.ts";

export type Data = Record<string, unknown>;

/** The merged data and, per key path, the layer that last set it. */
export interface Layered {
  data: Data;
  /** Joined key path ("a.b.0") -> the source that set it (a file, or a -c override). */
  origin: Map<string, YamlSource | string>;
  /** Key paths set by `-c`, in order (for checking that they exist in the schema). */
  overrides: { path: string[]; spec: string }[];
  /** Files read, in layering order (imports first). */
  files: string[];
}

function isMap(v: unknown): v is Data {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep-merges `top` over `base` (maps merge, everything else is replaced), recording origins. */
function merge(base: Data, top: Data, origin: Map<string, YamlSource | string>, source: YamlSource | string, prefix: string[] = []): Data {
  const out: Data = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const path = [...prefix, k];
    if (isMap(v) && isMap(out[k])) out[k] = merge(out[k] as Data, v, origin, source, path);
    else {
      out[k] = v;
      for (const key of [...origin.keys()]) if (key.startsWith(`${path.join(".")}.`)) origin.delete(key);
      markOrigins(v, path, origin, source);
    }
    origin.set(path.join("."), source);
  }
  return out;
}

function markOrigins(v: unknown, path: string[], origin: Map<string, YamlSource | string>, source: YamlSource | string): void {
  origin.set(path.join("."), source);
  if (isMap(v)) for (const [k, x] of Object.entries(v)) markOrigins(x, [...path, k], origin, source);
  else if (Array.isArray(v)) v.forEach((x, i) => markOrigins(x, [...path, String(i)], origin, source));
}

function importsOf(src: YamlSource, data: Data): string[] {
  const raw = data.imports;
  if (raw === undefined) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
    fail(Codes.CONFIG_INVALID, "'imports' must be a file name or a list of file names", { where: locate(src, ["imports"]), hint: "imports: [base.yaml, ../common.yaml]" });
  }
  return list as string[];
}

/** Appends a file's layers to `out`: its imports first (depth first), then its own values. */
function collect(file: string, chain: string[], out: { src: YamlSource; data: Data }[], where?: Where): void {
  const shown = displayPath(file);
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    fail(Codes.IMPORT_MISSING, `cannot read ${shown}`, { where: where ?? { file: shown }, hint: "check the path (imports are relative to the file that imports them)" });
  }
  if (chain.includes(real)) {
    const names = [...chain.slice(chain.indexOf(real)), real].map(displayPath);
    fail(Codes.IMPORT_CYCLE, `YAML imports form a cycle: ${names.join(" -> ")}`, { where: where ?? { file: shown }, hint: "remove one of these imports" });
  }
  const src = readYaml(real, shown);
  const own = (src.doc.toJS() ?? {}) as Data;
  importsOf(src, own).forEach((imp, i) => collect(resolve(dirname(real), imp), [...chain, real], out, locate(src, ["imports", i])));
  const { imports: _imports, ...rest } = own;
  out.push({ src, data: rest });
}

export interface LayerFiles {
  main: string;
  pre?: string[];
  post?: string[];
  overrides?: string[];
}

/**
 * Reads every layer and merges them in order. Merging is a left fold, so imports, pre, main,
 * post and overrides can be flattened into one ordered list first.
 */
export function layerYaml(files: LayerFiles, cwd: string): Layered {
  const acc: Layered = { data: {}, origin: new Map(), overrides: [], files: [] };
  const layers: { src: YamlSource; data: Data }[] = [];
  for (const f of [...(files.pre ?? []), files.main, ...(files.post ?? [])]) collect(resolve(cwd, f), [], layers);
  for (const { src, data } of layers) {
    acc.data = merge(acc.data, data, acc.origin, src);
    acc.files.push(src.file);
  }
  for (const spec of files.overrides ?? []) {
    const { path, value } = parseOverride(spec);
    const top: Data = {};
    let cursor = top;
    for (const k of path.slice(0, -1)) {
      cursor[k] = {};
      cursor = cursor[k] as Data;
    }
    cursor[path[path.length - 1]!] = value;
    acc.data = merge(acc.data, top, acc.origin, `-c ${spec}`);
    acc.overrides.push({ path, spec });
  }
  return acc;
}

/** Where a key path was set: the line and column in its file, or the `-c` that set it. */
export function locateLayered(layered: Layered, path: readonly (string | number)[]): Where {
  for (let n = path.length; n >= 0; n--) {
    const src = layered.origin.get(path.slice(0, n).join("."));
    if (src === undefined) continue;
    if (typeof src === "string") return { file: src, path: path.join(".") || "(root)" };
    return locate(src, path);
  }
  return { path: path.join(".") || "(root)" };
}

/** The key path of every string leaf of the merged data, first occurrence first. */
function stringPaths(v: unknown, path: (string | number)[], out: Map<string, (string | number)[]>): void {
  if (typeof v === "string") {
    if (!out.has(v)) out.set(v, path);
  } else if (Array.isArray(v)) v.forEach((x, i) => stringPaths(x, [...path, i], out));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) stringPaths(x, [...path, k], out);
}

/**
 * Where a string of the configuration was written, found by its value: for values that the
 * experiment passes on unchanged (a requirement string from the YAML), so that a later stage
 * can point at the YAML line and column (`offset` characters into the value, when the source
 * spells it verbatim on one line) or at the `-c` that set it. Built on first use.
 */
export function valueLocator(layered: Layered): (value: string, offset?: number) => Where | undefined {
  let paths: Map<string, (string | number)[]> | undefined;
  return (value, offset = 0) => {
    if (paths === undefined) stringPaths(layered.data, [], (paths = new Map()));
    const path = paths.get(value);
    if (path === undefined) return undefined;
    const where = locateLayered(layered, path);
    const src = layered.origin.get(path.join("."));
    const node = typeof src === "object" ? src.doc.getIn(path, true) : undefined;
    if (typeof src !== "object" || !isScalar(node) || !node.range || where.column === undefined) return where;
    const written = src.text.slice(node.range[0], node.range[1]);
    const shift = written === value ? 0 : written.slice(1, -1) === value && /^(["']).*\1$/s.test(written) ? 1 : undefined;
    return shift === undefined || value.includes("\n") ? where : { ...where, column: where.column + shift + offset };
  };
}
