/**
 * load: the layered experiment YAML (imports, --pre-yaml, the file, --post-yaml, -c), its
 * experiment keys, the TypeScript module (imported directly, through tsx), and the module's
 * `Configuration` (zod) validating the rest. Every error points at the layer that set the value.
 */
import { fileFrames, frameWhere } from "../util/stack.ts";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Codes, XpmError, fail, type Diagnostic } from "../model/diagnostics.ts";
import { ExperimentConfig, EXPERIMENT_KEYS, type ExperimentKeys, type LoadedExperiment, type RunFunction } from "../model/experiment.ts";
import { didYouMean, displayPath } from "../util/text.ts";
import { importUserModule } from "../util/ts-import.ts";
import { layerYaml, locateLayered, valueLocator, type Layered } from "./layers.ts";
import { keysAt, zodDiagnostics, type Locator } from "./yaml.ts";

export interface LoadOptions {
  /** `-c key.path=value` overrides, applied in order (later wins). */
  overrides?: string[];
  /** YAML files merged before / after the experiment file. */
  preYaml?: string[];
  postYaml?: string[];
  cwd?: string;
}

/** Finds the YAML file: the `.yaml` (or `.yml`) suffix is optional. */
export function findYaml(arg: string, cwd: string): string {
  const abs = resolve(cwd, arg);
  for (const candidate of [abs, `${abs}.yaml`, `${abs}.yml`]) if (existsSync(candidate) && !candidate.endsWith("/")) return candidate;
  return fail(Codes.YAML_NOT_FOUND, `no experiment file '${arg}' (tried ${arg}, ${arg}.yaml, ${arg}.yml)`, {
    where: { file: arg },
    hint: "give the path of the experiment YAML, e.g. my_project/normal (the .yaml suffix is optional)",
  });
}

function layeredLocator(layered: Layered): Locator {
  return {
    where: (path) => locateLayered(layered, path),
    value: (path) => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), layered.data),
  };
}

function experimentKeys(layered: Layered): ExperimentKeys {
  const locator = layeredLocator(layered);
  const own = Object.fromEntries(Object.entries(layered.data).filter(([k]) => (EXPERIMENT_KEYS as readonly string[]).includes(k)));
  const parsed = ExperimentConfig.safeParse(own);
  if (!parsed.success) {
    const missingId = parsed.error.issues.some((i) => i.path[0] === "id" && layered.data.id === undefined);
    if (missingId) {
      fail(Codes.CONFIG_INVALID, "the experiment has no 'id'", { where: locator.where([]), hint: "add `id: my-experiment` (it names experiments/<id> in the workspace)" });
    }
    throw new XpmError(zodDiagnostics(locator, parsed.error, ExperimentConfig));
  }
  const keys = parsed.data;
  if ((keys.file === undefined) === (keys.module === undefined)) {
    fail(Codes.CONFIG_INVALID, keys.file === undefined ? "the experiment names no module: give 'file' or 'module'" : "give either 'file' or 'module', not both", {
      where: locator.where(keys.file === undefined ? [] : ["module"]),
      hint: "`file: experiment.ts` (relative to the YAML) or `module: some-package/experiment`",
    });
  }
  return keys;
}

/** Resolves `file:` (relative to the YAML that set it) or `module:` (a package specifier). */
function resolveModule(layered: Layered, key: "file" | "module" | "pre_experiment", spec: string, baseDir: string): string {
  const where = locateLayered(layered, [key]);
  if (key !== "module") {
    const path = isAbsolute(spec) ? spec : resolve(baseDir, spec);
    if (!existsSync(path)) {
      fail(Codes.MODULE_NOT_FOUND, `the ${key === "file" ? "experiment module" : "pre_experiment module"} '${spec}' does not exist`, {
        where,
        hint: `create ${displayPath(path)}, or fix '${key}' (it is relative to the YAML file)`,
      });
    }
    return path;
  }
  try {
    return createRequire(resolve(baseDir, "experiment.yaml")).resolve(spec);
  } catch {
    return fail(Codes.MODULE_NOT_FOUND, `cannot resolve the module '${spec}' from ${displayPath(baseDir)}`, {
      where,
      hint: "install the package that provides it, or use `file:` with a path",
    });
  }
}

/** experimaestro-ts's own sources and their build (dist/): stack frames there are not the user's. */
const OWN_ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const OWN_SOURCES = [`${OWN_ROOT}/src/`, `${OWN_ROOT}/dist/`];

/** The first stack frame outside experimaestro-ts and node_modules, as `file:line:col`: where a refused declaration was written. */
function userFrame(err: Error): string | undefined {
  const frame = fileFrames(err).find((f) => !OWN_SOURCES.some((own) => f.file.startsWith(own)) && !f.file.includes("/node_modules/"));
  return frame && frameWhere(frame);
}

/** Imports one of the experiment's modules; `group`: all those this run imports (see importUserModule). */
async function importModule(layered: Layered, path: string, key: string, group: readonly string[] = [path]): Promise<Record<string, unknown>> {
  try {
    return await importUserModule(path, group);
  } catch (e) {
    // A declaration refused at import time (e.g. a lightweight task without a command): its own code, at its line.
    if (e instanceof XpmError) {
      const at = userFrame(e);
      throw new XpmError(e.diagnostics.map((d) => (d.where?.file || !at ? d : { ...d, where: { ...d.where, file: at } })));
    }
    const err = e as Error & { code?: string };
    const missing = err.code === "ERR_MODULE_NOT_FOUND";
    const commonjs = /require\(\)|ERR_REQUIRE/.test(err.message);
    return fail(missing ? Codes.MODULE_NOT_FOUND : Codes.MODULE_LOAD_FAILED, `cannot load ${displayPath(path)}: ${err.message.split("\n")[0]}`, {
      where: locateLayered(layered, [key]),
      hint: missing
        ? "a module it imports cannot be found: check the import paths and that dependencies are installed"
        : commonjs
          ? 'experiment modules are ES modules: add "type": "module" to the project\'s package.json'
          : "fix the error in the module (run `npx tsc --noEmit` for type errors)",
    });
  }
}

/** A `-c` on a key the schema does not have is an error (with did-you-mean), not a silent no-op. */
function checkOverrides(layered: Layered, schema: z.ZodType): void {
  const problems: Diagnostic[] = [];
  for (const { path, spec } of layered.overrides) {
    if ((EXPERIMENT_KEYS as readonly string[]).includes(path[0]!)) continue;
    for (let i = 0; i < path.length; i++) {
      const known = keysAt(schema, path.slice(0, i));
      if (known.length === 0 || known.includes(path[i]!)) continue;
      const guess = didYouMean(path[i]!, known);
      problems.push({
        code: Codes.OVERRIDE_UNKNOWN,
        message: `-c ${spec}: the configuration has no key '${path.slice(0, i + 1).join(".")}'`,
        where: { file: `-c ${spec}` },
        hint: guess ? `did you mean '${[...path.slice(0, i), guess].join(".")}'?` : `known keys${i ? ` under '${path.slice(0, i).join(".")}'` : ""}: ${known.join(", ")}`,
      });
      break;
    }
  }
  if (problems.length) throw new XpmError(problems);
}

/** The schema to validate with: strict, and holding the experiment keys when it extends the base. */
function validationSchema(schema: z.ZodType): { schema: z.ZodType; withKeys: boolean } {
  if (!(schema instanceof z.ZodObject)) return { schema, withKeys: false };
  const withKeys = "id" in schema.shape;
  return { schema: schema.strict(), withKeys };
}

/** The `Configuration` schema of a module file, or of the module an experiment YAML names. */
export async function loadExperimentModule(path: string, isModule: boolean): Promise<z.ZodType> {
  let mod: Record<string, unknown>;
  if (isModule) {
    try {
      mod = await importUserModule(path);
    } catch (e) {
      return fail(Codes.MODULE_LOAD_FAILED, `cannot load ${displayPath(path)}: ${(e as Error).message.split("\n")[0]}`, { where: { file: displayPath(path) }, hint: "fix the module, or give the experiment YAML instead" });
    }
  } else {
    const layered = layerYaml({ main: path }, process.cwd());
    const keys = experimentKeys(layered);
    const key = keys.file !== undefined ? "file" : "module";
    mod = await importModule(layered, resolveModule(layered, key, (keys.file ?? keys.module)!, dirname(path)), key);
  }
  if (!(mod.Configuration instanceof z.ZodType)) {
    fail(Codes.MODULE_NO_CONFIGURATION, `${displayPath(path)} has no zod schema named 'Configuration'`, { hint: "export const Configuration = z.object({ ... })" });
  }
  return mod.Configuration;
}

/** Loads an experiment: layered YAML, module, validated configuration. */
export async function loadExperiment(yamlArg: string, opts: LoadOptions = {}): Promise<LoadedExperiment> {
  const cwd = opts.cwd ?? process.cwd();
  const yamlPath = findYaml(yamlArg, cwd);
  const layered = layerYaml({ main: yamlPath, pre: opts.preYaml ?? [], post: opts.postYaml ?? [], overrides: opts.overrides ?? [] }, cwd);
  const keys = experimentKeys(layered);
  const yamlDir = dirname(yamlPath);
  const key = keys.file !== undefined ? "file" : "module";
  const modulePath = resolveModule(layered, key, (keys.file ?? keys.module)!, yamlDir);
  const prePath = keys.pre_experiment === undefined ? undefined : resolveModule(layered, "pre_experiment", keys.pre_experiment, yamlDir);
  const group = prePath === undefined ? [modulePath] : [prePath, modulePath];
  if (prePath !== undefined) await importModule(layered, prePath, "pre_experiment", group);
  const mod = await importModule(layered, modulePath, key, group);
  const where = locateLayered(layered, [key]);
  if (typeof mod.run !== "function") {
    fail(Codes.MODULE_NO_RUN, `${relative(cwd, modulePath)} does not export a 'run' function`, { where, hint: "add `export async function run(helper, cfg) { ... }` to the module" });
  }
  if (!(mod.Configuration instanceof z.ZodType)) {
    fail(Codes.MODULE_NO_CONFIGURATION, `${relative(cwd, modulePath)} does not export a zod schema named 'Configuration'`, {
      where,
      hint: "add `export const Configuration = ExperimentConfig.extend({ ... })` (or z.object) describing the YAML keys",
    });
  }
  const { schema, withKeys } = validationSchema(mod.Configuration);
  checkOverrides(layered, schema);
  const input = withKeys ? layered.data : Object.fromEntries(Object.entries(layered.data).filter(([k]) => !(EXPERIMENT_KEYS as readonly string[]).includes(k)));
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new XpmError(zodDiagnostics(layeredLocator(layered), parsed.error, schema));
  return {
    ...keys,
    yamlFile: displayPath(yamlPath),
    yamlFiles: layered.files,
    modulePath,
    config: parsed.data as Record<string, unknown>,
    run: mod.run as RunFunction,
    locateValue: valueLocator(layered),
  };
}
