/**
 * The experiment's own modules, as the compiled CLI imports them: bundled by esbuild into ES
 * modules (TypeScript stripped, the project's files inlined, packages left as imports of the
 * files Node would load), then imported plainly. No module hooks are registered, so neither the
 * CLI's modules nor the packages pay a hook round-trip per import (what tsx's `register()` costs,
 * about a third of a dry run's time).
 *
 * What a module sees is what it sees unbundled: `import.meta.url` (and `dirname`, `filename`)
 * name its own file, the stacks experimaestro-ts reads (where a type was declared, where an
 * error was thrown) name its own lines (inline source maps, read only when a stack is), and "experimaestro-ts" is the CLI's own build, so that the configs and
 * tasks it declares are the CLI's. The modules imported in one run are bundled together (code
 * splitting), so a pre_experiment module and the experiment share the modules they both import.
 *
 * The bundles are cached under $XDG_CACHE_HOME/experimaestro-ts/modules (else ~/.cache, else the
 * temporary folder), keyed by the entry modules and the CLI's build, and rebuilt when one of the
 * files they were made from changed (size or modification time). Files are content-named and
 * the index replaced atomically: runs at the same time read a complete bundle. A bundle not
 * rebuilt for a week is removed when another is built.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { SourceMap, createRequire, isBuiltin } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildFailure, Message, Plugin } from "esbuild";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import { setStackMapper } from "../util/stack.ts";
import { displayPath } from "../util/text.ts";

/** What a cache folder's index.json holds: the files the bundle was made from, each entry's output file, and all its files. */
interface CacheIndex {
  inputs: Record<string, [size: number, mtimeMs: number]>;
  outputs: Record<string, string>;
  files: string[];
}

const SKIP = Symbol("resolving");
/** The project's source files (outside node_modules), whose `import.meta` is rewritten. */
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  for (const dir of [join(base, "experimaestro-ts", "modules"), join(tmpdir(), `experimaestro-ts-${process.getuid?.() ?? "user"}`, "modules")]) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // Not writable (a read-only home): the next one.
    }
  }
  throw new Error("no writable cache folder for the experiment's bundled modules (set XDG_CACHE_HOME)");
}

/** The cached bundle's index when every file it was made from is as it was, else undefined. */
function freshIndex(dir: string): CacheIndex | undefined {
  let index: CacheIndex;
  try {
    index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as CacheIndex;
  } catch {
    return undefined;
  }
  for (const [file, [size, mtime]] of Object.entries(index.inputs)) {
    try {
      const st = statSync(file);
      if (st.size !== size || st.mtimeMs !== mtime) return undefined;
    } catch {
      return undefined;
    }
  }
  return Array.isArray(index.files) && index.files.every((f) => existsSync(join(dir, f))) ? index : undefined;
}

/** The folder of the zod package the CLI was built with (its copy is bundled in the build). */
function ownZod(): string | undefined {
  try {
    return realpathSync(dirname(createRequire(import.meta.url).resolve("zod/package.json")));
  } catch {
    return undefined;
  }
}

/** The names by which a module imports the zod the CLI bundles (its main entry; `zod/v4` is the same API). */
const ZOD_NAMES = new Set(["zod", "zod/v4"]);

/**
 * Packages stay imports, of the very file Node would load for them (the bundle lives elsewhere,
 * so a bare name would not resolve from there); "experimaestro-ts" is the CLI's own build, and
 * the zod it was built with is its bundled copy (dist/<stamp>/zod.js): one zod in the process.
 */
function packagesAsFiles(indexUrl: string): Plugin {
  const zod = ownZod();
  return {
    name: "experimaestro-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === SKIP || isBuiltin(args.path)) return undefined;
        if (args.path === "experimaestro-ts") return { path: indexUrl, external: true };
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: SKIP });
        if (r.errors.length || !r.path.startsWith("/")) return { errors: r.errors };
        if (!r.path.includes("/node_modules/")) return undefined;
        if (zod && ZOD_NAMES.has(args.path) && realpathSync(r.path).startsWith(`${zod}/`)) return { path: new URL("./zod.js", indexUrl).href, external: true };
        return { path: pathToFileURL(r.path).href, external: true };
      });
    },
  };
}

/** Each project file's `import.meta.url`, `dirname` and `filename` are its own (its source map kept). */
function ownImportMeta(esbuild: typeof import("esbuild")): Plugin {
  return {
    name: "experimaestro-import-meta",
    setup(b) {
      b.onLoad({ filter: SOURCE }, (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const loader = /\.[cm]?tsx?$/.test(args.path) ? (args.path.endsWith("x") ? "tsx" : "ts") : args.path.endsWith("x") ? "jsx" : "js";
        const define = { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href), "import.meta.dirname": JSON.stringify(dirname(args.path)), "import.meta.filename": JSON.stringify(args.path) };
        const code = esbuild.transformSync(source, { loader, format: "esm", define, sourcemap: "inline", sourcefile: args.path, target: "node20" }).code;
        return { contents: code, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** esbuild's refusals as located diagnostics: a syntax error or an import that cannot be found. */
function buildDiagnostics(e: BuildFailure): Diagnostic[] {
  return e.errors.map((m: Message) => {
    const missing = /^Could not resolve/.test(m.text);
    return {
      code: missing ? Codes.MODULE_NOT_FOUND : Codes.MODULE_LOAD_FAILED,
      message: `cannot load the experiment's modules: ${m.text}`,
      ...(m.location ? { where: { file: displayPath(resolve(m.location.file)), line: m.location.line, column: m.location.column + 1 } } : {}),
      hint: missing ? "a module it imports cannot be found: check the import paths and that dependencies are installed" : "fix the module at this location (run `npx tsc --noEmit` for type errors)",
    };
  });
}

/** Bundles the entries into `dir` (content-named files, then the index replaced atomically). */
async function bundle(entries: readonly string[], dir: string, indexUrl: string): Promise<CacheIndex> {
  const esbuild = await import("esbuild");
  let result;
  try {
    result = await esbuild.build({
      entryPoints: entries.map((e, i) => ({ in: e, out: `entry${i}` })),
      outdir: dir,
      entryNames: "[name]-[hash]",
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Node's own resolution: its conditions ("import", "node", "default") and `main`, no `module`.
      conditions: [],
      mainFields: ["main"],
      sourcemap: "inline",
      metafile: true,
      write: false,
      logLevel: "silent",
      plugins: [packagesAsFiles(indexUrl), ownImportMeta(esbuild)],
    });
  } catch (e) {
    if ((e as BuildFailure).errors?.length) throw new XpmError(buildDiagnostics(e as BuildFailure));
    throw e;
  }
  // Each file through a temporary name: a run at the same time never imports a half-written one.
  for (const f of result.outputFiles) {
    if (existsSync(f.path)) continue;
    writeFileSync(`${f.path}.${process.pid}.tmp`, f.contents);
    renameSync(`${f.path}.${process.pid}.tmp`, f.path);
  }
  const inputs: CacheIndex["inputs"] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(input);
    const st = statSync(file);
    inputs[file] = [st.size, st.mtimeMs];
  }
  const outputs: CacheIndex["outputs"] = {};
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    const i = meta.entryPoint === undefined ? -1 : entries.indexOf(resolve(meta.entryPoint));
    if (i >= 0) outputs[entries[i]!] = out.slice(out.lastIndexOf("/") + 1);
  }
  const index: CacheIndex = { inputs, outputs, files: result.outputFiles.map((f) => f.path.slice(f.path.lastIndexOf("/") + 1)) };
  const tmp = join(dir, `index.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(index)}\n`);
  renameSync(tmp, join(dir, "index.json"));
  prune(dir, new Set(result.outputFiles.map((f) => f.path)));
  return index;
}

/** Removes the files of earlier bundles (after ten minutes: a run that started meanwhile may still import them). */
function prune(dir: string, keep: ReadonlySet<string>): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "index.json" || keep.has(p)) continue;
    try {
      if (Date.now() - statSync(p).mtimeMs > 600_000) rmSync(p, { force: true });
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

/** Removes the bundles of other experiments not rebuilt for a week (a project moved or deleted leaves its own behind). */
function pruneStale(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (dir === keep) continue;
    try {
      if (Date.now() - statSync(join(dir, "index.json")).mtimeMs > 7 * 86400_000) rmSync(dir, { recursive: true, force: true });
    } catch {
      // No index (being built, or removed meanwhile): left alone.
    }
  }
}

/** A bundle file's source map (its inline one), read at the first stack that names the file. */
function inlineMap(file: string): SourceMap | undefined {
  const text = readFileSync(file, "utf8");
  const at = text.lastIndexOf(INLINE_MAP);
  if (at < 0) return undefined;
  return new SourceMap(JSON.parse(Buffer.from(text.slice(at + INLINE_MAP.length).trim(), "base64").toString("utf8")));
}

const INLINE_MAP = "//# sourceMappingURL=data:application/json;base64,";

/** Maps the frames of a stack that name a bundle file in `dir` (`file:///…/entry0-X.js:12:5`) to the project's file and position. */
function bundleFrames(dir: string): (stack: string) => string {
  const prefix = pathToFileURL(dir).href;
  const maps = new Map<string, SourceMap | undefined>();
  const frame = /(file:\/\/\/[^\s()]+?\.js):(\d+):(\d+)/g;
  return (stack) =>
    stack.includes(prefix)
      ? stack.replace(frame, (whole, url: string, line: string, column: string) => {
          if (!url.startsWith(prefix)) return whole;
          if (!maps.has(url)) maps.set(url, inlineMap(fileURLToPath(url)));
          const entry = maps.get(url)?.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
          if (!entry?.originalSource) return whole;
          return `${new URL(entry.originalSource, url).href}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
        })
      : stack;
}

/** The bundles of this process, by group: built once, each entry imported once. */
const built = new Map<string, Promise<{ dir: string; index: CacheIndex }>>();

/** Imports `path`, bundled with the other modules of `group`; `indexUrl` is the CLI's experimaestro-ts. */
export async function importBundled(path: string, group: readonly string[], indexUrl: string): Promise<Record<string, unknown>> {
  const entries = group.includes(path) ? group : [...group, path];
  const key = createHash("sha256").update(JSON.stringify([indexUrl, entries])).digest("hex").slice(0, 24);
  let pending = built.get(key);
  if (!pending) {
    pending = (async () => {
      const root = cacheRoot();
      const dir = join(root, key);
      mkdirSync(dir, { recursive: true });
      const fresh = freshIndex(dir);
      if (fresh) return { dir, index: fresh };
      const index = await bundle(entries, dir, indexUrl);
      pruneStale(root, dir);
      return { dir, index };
    })();
    built.set(key, pending);
  }
  const { dir, index } = await pending;
  setStackMapper(bundleFrames(dir));
  return (await import(pathToFileURL(join(dir, index.outputs[path]!)).href)) as Record<string, unknown>;
}

