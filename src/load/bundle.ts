/**
 * The bundle of an experiment's `execute` tasks: the modules that declare them (and the configs
 * they take), with the job runtime, bundled by esbuild into one ES module for Node, shipped under
 * `assets/<digest>/` with its source map and the `node.sh` launcher. Jobs then need Node only.
 *
 * Byte-stable: the same sources give the same bytes wherever the project, its node_modules or
 * the workspace are. esbuild names each source by its path relative to the project; those names
 * are replaced by stable labels, in the bundle's comments and module keys and in the source map:
 * `src/tasks.ts` (the project's files, relative to the project: the smallest folder holding the
 * experiment's YAML and its task modules), `node_modules/zod/...` (packages, from their last
 * node_modules folder), `experimaestro-ts/src/...` (this package). Node resolves the map's sources next to the bundle, so a stack trace in
 * `<name>.err` names `.../assets/<digest>/src/tasks.ts:12:5`, which the runtime shortens.
 *
 * Packages that cannot be bundled (native addons: binding.gyp, node-gyp-build, prebuilds...,
 * and those listed in the project's package.json under `experimaestro.external`) are left out
 * and loaded with `require` at run time: from a node_modules folder next to the workspace (or
 * above it), or from NODE_PATH.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { BuildFailure, Message, Plugin } from "esbuild";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { LoadedAsset } from "../model/plan.ts";
import { bundlePath } from "../model/workspace.ts";
import { keepSources } from "./sourcemap.ts";
import { displayPath } from "../util/text.ts";

export interface BundleRequest {
  /** The modules that declare the execute tasks and their configs (absolute paths). */
  modules: readonly string[];
  /** The experiment's YAML file (absolute): with the project's task modules, it tells the project's folder. */
  experimentYaml: string;
  /** The job runtime's entry module (src/runtime/main.ts of this package). */
  runtimeEntry: string;
}

/** The bundle's files, by their name in its folder. */
export const BUNDLE_FILES = { code: "tasks.mjs", map: "tasks.mjs.map", launcher: "node.sh" } as const;

const LAUNCHER = new URL("../../templates/node.sh", import.meta.url);
/** The Node version the bundle needs, checked by its first statement. */
const NODE_MAJOR = 20;
/**
 * The bundle's first lines: a Node that is too old says so and exits 126 (the code is compiled
 * for the syntax of Node 14.18, so that such a Node gets this far); then a real `require`, for
 * bundled CommonJS code that requires Node's modules or packages left out.
 */
const BANNER = [
  `if (+process.versions.node.split(".")[0] < ${NODE_MAJOR}) {`,
  `  process.stderr.write("experimaestro: cannot run the task: Node.js " + process.versions.node + " (" + process.execPath + ") is too old: this task's code is TypeScript, bundled in tasks.mjs, and needs Node.js >= ${NODE_MAJOR}; install a newer one, or set XPM_NODE to it\\n");`,
  "  process.exit(126);",
  "}",
  'import { createRequire as __xpmCreateRequire } from "node:module";',
  "const require = __xpmCreateRequire(import.meta.url);",
].join("\n");
const EXTERNAL = "experimaestro-external";
const SKIP = Symbol("resolving");
/** Dependencies that tell a package builds or downloads a native addon. */
const NATIVE_HELPERS = ["node-gyp-build", "bindings", "prebuild-install", "node-addon-api", "nan", "@mapbox/node-pre-gyp", "node-pre-gyp", "cmake-js"];

/**
 * The project's folder: the smallest holding the experiment's YAML and the task modules that are
 * the project's own (not a package's, not ours). The same project copied elsewhere gets the
 * same labels, hence the same bundle.
 */
export function projectRoot(yaml: string, modules: readonly string[], own: string): string {
  const ours = (m: string) => OWN_FOLDERS.some((d) => m.startsWith(`${own}/${d}/`));
  const dirs = [dirname(yaml), ...modules.filter((m) => !m.includes("/node_modules/") && !ours(m)).map(dirname)].map((d) => realpathSync(d));
  let root = dirs[0]!;
  for (const d of dirs) while (root !== "/" && d !== root && !d.startsWith(`${root}/`)) root = dirname(root);
  return root;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** `@scope/name/x` -> `@scope/name`, `name/x` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The folder of the package a resolved file belongs to. */
function packageRootOf(file: string, name: string): string {
  const marker = `/node_modules/${name}/`;
  const at = file.lastIndexOf(marker);
  if (at >= 0) return file.slice(0, at + marker.length - 1);
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  return dirname(file);
}

/** Whether a package holds a native addon (which a bundle cannot carry). */
function isNative(root: string): boolean {
  const pkg = readJson(join(root, "package.json")) ?? {};
  if (pkg.gypfile === true || pkg.binary !== undefined || existsSync(join(root, "binding.gyp"))) return true;
  const deps = { ...(pkg.dependencies as object | undefined), ...(pkg.optionalDependencies as object | undefined) };
  if (NATIVE_HELPERS.some((d) => d in deps)) return true;
  const install = (pkg.scripts as Record<string, string> | undefined)?.install ?? "";
  return /node-gyp|prebuild|node-pre-gyp/.test(install);
}

/** The nearest package.json above a folder (the project's), if any. */
function packageJsonAbove(dir: string): Record<string, unknown> | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return readJson(join(d, "package.json"));
    if (dirname(d) === d) return undefined;
  }
}

/** Leaves native addons (and the project's `experimaestro.external` list) out of the bundle, loaded by `require` at run time. */
function externals(root: string): Plugin {
  const listed = (packageJsonAbove(root)?.experimaestro as { external?: unknown } | undefined)?.external;
  const forced = new Set(Array.isArray(listed) ? listed.map(String) : []);
  const native = new Map<string, boolean>();
  return {
    name: "experimaestro-externals",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.namespace === EXTERNAL) return { path: args.path, external: true };
        if (args.pluginData === SKIP || args.path.startsWith("node:")) return undefined;
        const name = packageName(args.path);
        if (forced.has(name)) return { path: args.path, namespace: EXTERNAL };
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: SKIP });
        if (r.errors.length || r.external || !r.path.startsWith("/")) return undefined;
        const pkgRoot = packageRootOf(r.path, name);
        if (!native.has(pkgRoot)) native.set(pkgRoot, isNative(pkgRoot));
        return native.get(pkgRoot) ? { path: args.path, namespace: EXTERNAL } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: EXTERNAL }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});\n`, loader: "js", resolveDir: root }));
    },
  };
}

/** This package's code (the rest of its folder holds examples and tests, which are projects). */
const OWN_FOLDERS = ["src", "grammars"];

/** The stable name of a source, from esbuild's (relative to the project) or a namespaced one. */
function label(source: string, root: string, own: string): string {
  if (/^[a-z-]+:/.test(source) || source.startsWith("experimaestro-ts/")) return source;
  const abs = resolve(root, source);
  if (OWN_FOLDERS.some((d) => abs.startsWith(`${own}/${d}/`))) return `experimaestro-ts/${abs.slice(own.length + 1)}`;
  const nm = abs.lastIndexOf("/node_modules/");
  if (nm >= 0) return abs.slice(nm + 1);
  return relative(root, abs)
    .split("/")
    .map((s) => (s === ".." ? "_up_" : s))
    .join("/");
}

/** The bundle with esbuild's source names replaced by labels: module comments and module keys. */
function relabelCode(code: string, labels: ReadonlyMap<string, string>): string {
  return code
    .replace(/^\/\/ (.+)$/gm, (line, source: string) => (labels.has(source) ? `// ${labels.get(source)}` : line))
    .replace(/"([^"\\\n]+)"\(/g, (key, source: string) => (labels.has(source) ? `${JSON.stringify(labels.get(source))}(` : key));
}

/** The source map with labels for sources, mapping the project's code and ours (not the packages'). */
function relabelMap(map: string, labels: ReadonlyMap<string, string>): string {
  const doc = JSON.parse(map) as Parameters<typeof keepSources>[0];
  doc.sources = doc.sources.map((s) => labels.get(s) ?? s);
  return `${JSON.stringify(keepSources(doc, (s) => !s.startsWith("node_modules/")))}\n`;
}

function buildDiagnostics(e: BuildFailure, root: string): Diagnostic[] {
  return e.errors.map((m: Message) => ({
    code: Codes.BUNDLE_FAILED,
    message: `cannot bundle the execute tasks: ${m.text}`,
    ...(m.location ? { where: { file: displayPath(resolve(root, m.location.file)), line: m.location.line, column: m.location.column + 1 } } : {}),
    hint: /\.node\b|native/.test(m.text)
      ? 'a package with a native addon must stay out of the bundle: list it in package.json under "experimaestro": {"external": [...]} and install it next to the workspace'
      : "fix the import (the task modules are bundled as Node ES modules), or list the package under \"experimaestro\": {\"external\": [...]} in package.json",
  }));
}

/**
 * The entry module: the runtime first (it stops tracking declarations), then the task modules,
 * then the run. The modules are imported as namespaces handed to the runtime, not for their side
 * effects only: a package that says `"sideEffects": false` (this one does) would be dropped.
 */
function entry(req: BundleRequest, root: string): string {
  const spec = (file: string) => JSON.stringify(`./${relative(root, file)}`);
  const modules = [...req.modules].sort();
  const imports = modules.map((m, i) => `import * as m${i} from ${spec(m)};`);
  return [`import { main } from ${spec(req.runtimeEntry)};`, ...imports, `await main([${modules.map((_, i) => `m${i}`).join(", ")}]);`, ""].join("\n");
}

/** Bundles the execute tasks' modules; the asset is keyed by model/plan.ts TASKS_BUNDLE. */
export async function bundleTasks(req: BundleRequest): Promise<LoadedAsset> {
  const own = dirname(dirname(dirname(realpathSync(req.runtimeEntry))));
  const root = projectRoot(req.experimentYaml, req.modules, own);
  let result;
  try {
    // esbuild is loaded here only: its CommonJS entry costs ~100 ms to load, which runs without execute tasks do not pay.
    const { build } = await import("esbuild");
    result = await build({
      stdin: { contents: entry(req, root), resolveDir: root, sourcefile: "experimaestro-ts/tasks-entry.js", loader: "js" },
      absWorkingDir: root,
      outfile: join(root, BUNDLE_FILES.code),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node14.18",
      write: false,
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      banner: { js: BANNER },
      plugins: [externals(root)],
    });
  } catch (e) {
    if (e && typeof e === "object" && "errors" in e) throw new XpmError(buildDiagnostics(e as BuildFailure, root));
    throw e;
  }
  const labels = new Map(Object.keys(result.metafile.inputs).map((s) => [s, label(s, root, own)]));
  const out = (name: string) => result.outputFiles.find((f) => f.path.endsWith(`/${name}`))!.text;
  const files = [
    { rel: BUNDLE_FILES.launcher, content: readFileSync(LAUNCHER) },
    { rel: BUNDLE_FILES.code, content: Buffer.from(relabelCode(out(BUNDLE_FILES.code), labels)) },
    { rel: BUNDLE_FILES.map, content: Buffer.from(relabelMap(out(BUNDLE_FILES.map), labels)) },
  ];
  const digest = createHash("sha256");
  for (const f of files) digest.update(`${f.rel}\0${f.content.length}\0`).update(f.content);
  return { rel: bundlePath(digest.digest("hex")), content: undefined, files };
}
