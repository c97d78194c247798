#!/usr/bin/env node
// The compiled JavaScript of this package's own sources, so that the CLI does not transpile them
// at every start: `node scripts/build.mjs` (npm's `prepare`, run by `npm install` and `npm ci`)
// bundles src/cli.ts and src/index.ts with esbuild into dist/<stamp>/, one ES module per entry
// and shared chunks (so the CLI and the experiment modules that import "experimaestro-ts" share
// one copy of every module), each command's code in its own chunk, loaded when it runs.
// Dependencies stay in node_modules (yaml and zod aside: see packages()). Every `import.meta.url` keeps naming the source file, so
// templates, worker scripts and the runtime's sources are found where they are.
//
// The stamp digests the sources' names, sizes and times: the CLI (bin/experimaestro.mjs) runs
// dist/<stamp>/ only when it matches the sources, and builds it first otherwise (a source
// edited since `npm install`), or falls back to running the sources through tsx.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const SOURCES = ["src", "grammars"];
/** Files whose change changes the build too. */
const INPUTS = ["package.json", "scripts/build.mjs"];

/**
 * The digest of the sources (names, sizes, modification times): the folder name of their build.
 * Run at every start of the CLI, so kept cheap: one string, one non-cryptographic 64-bit hash
 * (two 32-bit FNV-1a lanes), no node:crypto to load.
 */
export function stamp() {
  let text = "";
  const walk = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`, `${rel}/${e.name}`);
      else add(`${dir}/${e.name}`, `${rel}/${e.name}`);
    }
  };
  const add = (p, rel) => {
    const st = statSync(p);
    text += `${rel}\0${st.size}\0${st.mtimeMs}\n`;
  };
  for (const s of SOURCES) walk(join(ROOT, s), s);
  for (const f of INPUTS) add(join(ROOT, f), f);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/** The folder of the current build (built now if missing), or undefined when it cannot be built here. */
export async function currentBuild() {
  const dir = join(DIST, stamp());
  try {
    statSync(join(dir, "cli.js"));
    return dir;
  } catch {
    try {
      return await build(dir);
    } catch {
      return undefined;
    }
  }
}

/** esbuild's plugin: each source's `import.meta.url` is its own file's URL, as when run unbundled. */
function ownUrls(esbuild, outdir) {
  return {
    name: "own-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return { contents: source, loader: "ts" };
        const code = esbuild.transformSync(source, { loader: "ts", format: "esm", define: { "import.meta.url": "__xpm_own_url" }, sourcefile: args.path }).code;
        const rel = relative(outdir, args.path).split("\\").join("/");
        return { contents: `const __xpm_own_url = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n${code}`, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * esbuild's plugin: packages stay in node_modules (imported by name), except two bundled for
 * start-up time: yaml, from its ES module build (one module rather than ~70 CommonJS files;
 * its objects never reach an experiment's code), and zod (one module rather than ~95 files),
 * whose copy the experiment's modules are given too (the `zod` entry, src/zod.ts), so that there
 * is one zod in the process.
 */
function packages() {
  const require = createRequire(import.meta.url);
  let yaml;
  try {
    const esm = join(dirname(require.resolve("yaml/package.json")), "browser/dist/index.js");
    if (existsSync(esm)) yaml = esm;
  } catch {}
  return {
    name: "packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === "yaml" && yaml) return { path: yaml };
        if (args.path === "zod" || args.path.startsWith("zod/")) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/** Builds into `dir` (through a temporary folder renamed at the end: concurrent builds are safe). */
async function build(dir) {
  const esbuild = await import("esbuild");
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await esbuild.build({
    entryPoints: { cli: join(ROOT, "src/cli.ts"), index: join(ROOT, "src/index.ts"), zod: join(ROOT, "src/zod.ts") },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
    plugins: [packages(), ownUrls(esbuild, dir)],
  });
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!readdirSync(dir).includes("cli.js")) throw e;
  }
  prune(dir);
  return dir;
}

/** Removes older builds (after an hour: a running CLI may still load chunks from its own). */
function prune(keep) {
  for (const name of readdirSync(DIST)) {
    const p = join(DIST, name);
    if (p !== keep && Date.now() - statSync(p).mtimeMs > 3600_000) rmSync(p, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  mkdirSync(DIST, { recursive: true });
  // A build of these very sources is left as it is: removing it would pull it from under a CLI
  // running meanwhile (npm runs this `prepare` again, e.g. for a project installing this package
  // from its folder while tests run).
  const dir = join(DIST, stamp());
  let built = false;
  try {
    built = statSync(join(dir, "cli.js")).isFile();
  } catch {}
  if (!built) await build(dir);
  console.log(`${built ? "up to date" : "built"}: ${relative(ROOT, dir)}/`);
}
