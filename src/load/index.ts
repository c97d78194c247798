/**
 * load: the experiment YAML (with `-c` overrides), validated against the module's
 * `Configuration` (zod), and the TypeScript module itself, imported directly (tsx).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { Codes, XpmError, fail, type Diagnostic } from "../model/diagnostics.ts";
import type { Helper } from "../evaluate/helper.ts";
import { locate, parseOverride, readYaml, zodDiagnostics, type YamlSource } from "./yaml.ts";

/** What an experiment module exports. */
export type RunFunction = (helper: Helper, cfg: Record<string, unknown>) => unknown;

export interface LoadedExperiment {
  /** The YAML file as the user named it (for messages). */
  yamlFile: string;
  id: string;
  title: string | undefined;
  description: string | undefined;
  /** Absolute path of the experiment module. */
  modulePath: string;
  /** The validated configuration (the YAML minus the experiment keys). */
  config: Record<string, unknown>;
  run: RunFunction;
}

export interface LoadOptions {
  /** `-c key.path=value` overrides, applied in order (later wins). */
  overrides?: string[];
  cwd?: string;
}

/** Keys read by experimaestro itself; everything else belongs to the module's Configuration. */
const EXPERIMENT_KEYS = ["id", "file", "module", "title", "description"] as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Finds the YAML file: the `.yaml` (or `.yml`) suffix is optional. */
export function findYaml(arg: string, cwd: string): string {
  const abs = resolve(cwd, arg);
  for (const candidate of [abs, `${abs}.yaml`, `${abs}.yml`]) if (existsSync(candidate) && !candidate.endsWith("/")) return candidate;
  return fail(Codes.YAML_NOT_FOUND, `no experiment file '${arg}' (tried ${arg}, ${arg}.yaml, ${arg}.yml)`, {
    where: { file: arg },
    hint: "give the path of the experiment YAML, e.g. my_project/normal (the .yaml suffix is optional)",
  });
}

function experimentKeys(src: YamlSource, data: Record<string, unknown>) {
  const problems: Diagnostic[] = [];
  const str = (key: string): string | undefined => {
    const v = data[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") {
      problems.push({ code: Codes.CONFIG_INVALID, message: `'${key}' must be a string`, where: locate(src, [key]), hint: `write ${key}: some-text` });
      return undefined;
    }
    return v;
  };
  const id = str("id");
  const file = str("file");
  const module = str("module");
  const title = str("title");
  const description = str("description");
  if (id === undefined && !problems.length) {
    problems.push({ code: Codes.CONFIG_INVALID, message: "the experiment has no 'id'", where: locate(src, []), hint: "add `id: my-experiment` (it names experiments/<id> in the workspace)" });
  } else if (id !== undefined && !ID_PATTERN.test(id)) {
    problems.push({ code: Codes.CONFIG_INVALID, message: `experiment id '${id}' cannot name a folder`, where: locate(src, ["id"]), hint: "use letters, digits, '.', '_' and '-' only" });
  }
  if ((file === undefined) === (module === undefined) && !problems.length) {
    problems.push({
      code: Codes.CONFIG_INVALID,
      message: file === undefined ? "the experiment names no module: give 'file' or 'module'" : "give either 'file' or 'module', not both",
      where: locate(src, file === undefined ? [] : ["module"]),
      hint: "`file: experiment.ts` (relative to the YAML) or `module: some-package/experiment`",
    });
  }
  if (problems.length) throw new XpmError(problems);
  return { id: id!, file, module, title, description };
}

function resolveModule(src: YamlSource, yamlDir: string, file: string | undefined, module: string | undefined): string {
  if (file !== undefined) {
    const path = isAbsolute(file) ? file : resolve(yamlDir, file);
    if (!existsSync(path)) {
      fail(Codes.MODULE_NOT_FOUND, `the experiment module '${file}' does not exist`, {
        where: locate(src, ["file"]),
        hint: `create ${relative(process.cwd(), path) || path}, or fix 'file' (it is relative to the YAML file)`,
      });
    }
    return path;
  }
  try {
    return createRequire(resolve(yamlDir, "experiment.yaml")).resolve(module!);
  } catch {
    return fail(Codes.MODULE_NOT_FOUND, `cannot resolve the module '${module}' from ${yamlDir}`, {
      where: locate(src, ["module"]),
      hint: "install the package that provides it, or use `file:` with a path",
    });
  }
}

async function importModule(src: YamlSource, path: string, key: string[]): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error & { code?: string };
    const missing = err.code === "ERR_MODULE_NOT_FOUND";
    return fail(missing ? Codes.MODULE_NOT_FOUND : Codes.MODULE_LOAD_FAILED, `cannot load ${relative(process.cwd(), path) || path}: ${firstLine(err.message)}`, {
      where: locate(src, key),
      hint: missing ? "a module it imports cannot be found: check the import paths and that dependencies are installed" : "fix the error in the module (run `npx tsc --noEmit` for type errors)",
    });
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

/** Loads an experiment: YAML, overrides, module, validated configuration. */
export async function loadExperiment(yamlArg: string, opts: LoadOptions = {}): Promise<LoadedExperiment> {
  const cwd = opts.cwd ?? process.cwd();
  const yamlPath = findYaml(yamlArg, cwd);
  const src = readYaml(yamlPath, relative(cwd, yamlPath) || yamlPath);
  for (const o of opts.overrides ?? []) {
    const { path, value } = parseOverride(o);
    src.doc.setIn(path, value);
  }
  const data = (src.doc.toJS() ?? {}) as Record<string, unknown>;
  const keys = experimentKeys(src, data);
  const modulePath = resolveModule(src, dirname(yamlPath), keys.file, keys.module);
  const mod = await importModule(src, modulePath, [keys.file !== undefined ? "file" : "module"]);
  const where = locate(src, [keys.file !== undefined ? "file" : "module"]);
  if (typeof mod.run !== "function") {
    fail(Codes.MODULE_NO_RUN, `${relative(cwd, modulePath)} does not export a 'run' function`, {
      where,
      hint: "add `export async function run(helper, cfg) { ... }` to the module",
    });
  }
  const schema = mod.Configuration;
  if (!(schema instanceof z.ZodType)) {
    fail(Codes.MODULE_NO_CONFIGURATION, `${relative(cwd, modulePath)} does not export a zod schema named 'Configuration'`, {
      where,
      hint: "add `export const Configuration = z.object({ ... })` describing the YAML keys",
    });
  }
  // Experiment keys are read above; declaring them here only serves did-you-mean.
  const strict = schema instanceof z.ZodObject ? schema.strict() : schema;
  const rest = Object.fromEntries(Object.entries(data).filter(([k]) => !(EXPERIMENT_KEYS as readonly string[]).includes(k)));
  const parsed = strict.safeParse(rest);
  if (!parsed.success) throw new XpmError(zodDiagnostics(src, parsed.error, strict));
  return {
    yamlFile: src.file,
    id: keys.id,
    title: keys.title,
    description: keys.description,
    modulePath,
    config: parsed.data as Record<string, unknown>,
    run: mod.run as RunFunction,
  };
}
