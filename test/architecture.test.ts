/**
 * The architecture, checked: stages never import each other (they meet through src/model),
 * model/ and util/ import no stage, only the drivers (compile.ts, prepare.ts) and the CLI wire
 * stages together, and no function in src/ grows past 60 lines. ARCHITECTURE.md says the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.ts";

const SRC = join(ROOT, "src");

/** Stage folders: each may import itself and the shared folders only. */
const STAGES = ["load", "evaluate", "plan", "resolve", "emit", "run", "submit", "backends", "inspect", "act"];
/** Shared folders and what each may import. */
const SHARED: Record<string, string[]> = {
  model: ["model", "util"],
  util: ["util", "model", "grammars"],
  view: ["view", "model", "util"],
  plandiff: ["plandiff", "model", "util"],
  /** The job runtime of execute tasks, bundled into workspaces. */
  runtime: ["runtime", "model", "util"],
};
/** The wiring: may import any folder. */
const WIRING = ["cli", "cli.ts", "compile.ts", "prepare.ts", "run-prepared.ts", "index.ts"];
const MAX_FUNCTION_LINES = 60;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The first path segment under src/ (a folder, or a top-level file), or `grammars` etc. outside it. */
function unitOf(abs: string): string {
  const rel = relative(SRC, abs);
  if (rel.startsWith("..")) return relative(ROOT, abs).split("/")[0]!;
  return rel.split("/")[0]!;
}

/** Relative module specifiers a file imports: static, dynamic, re-exports, and worker URLs. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+["'](\.[^"']+)["']/g, /\bimport\s*\(\s*["'](\.[^"']+)["']/g, /\bimport\s+["'](\.[^"']+)["']/g, /new URL\(\s*["'](\.[^"']+)["']\s*,\s*import\.meta\.url/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Every import that breaks the rules, as `file -> target`. */
export function violations(files: readonly string[], read: (f: string) => string): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const from = unitOf(file);
    if (WIRING.includes(from)) continue;
    const allowed = STAGES.includes(from) ? [from, "model", "util", "grammars"] : SHARED[from];
    for (const spec of importsOf(read(file))) {
      const target = resolve(dirname(file), spec);
      // Outside src/: grammars, templates and the package root (read as data) are open to all but model/.
      if (relative(SRC, target).startsWith("..") && from !== "model") continue;
      const to = unitOf(target);
      if (!allowed) bad.push(`${relative(ROOT, file)}: the folder src/${from} has no architecture rule (add it to test/architecture.test.ts and ARCHITECTURE.md)`);
      else if (!allowed.includes(to)) bad.push(`${relative(ROOT, file)} imports ${spec} (src/${from} may import only ${allowed.join(", ")})`);
    }
  }
  return bad;
}

/** Functions longer than the limit, as `file:line name (N lines)`, longest first. */
export function longFunctions(files: readonly string[], limit: number): { where: string; lines: number }[] {
  const out: { where: string; lines: number }[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
        if (lines > limit) out.push({ where: `${relative(ROOT, file)}:${start + 1} ${name}`, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines);
}

/**
 * What a module loads when imported: the packages, and our grammars (each loads chevrotain
 * at import, by a top-level await), reached through its static imports (not `import type`,
 * not `await import(...)`), transitively over our own files. `read` gives a file's text.
 */
export function packagesReached(entry: string, read: (f: string) => string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (relative(ROOT, file).startsWith("grammars/")) packages.add(relative(ROOT, file));
    const text = read(file).replace(/^\s*\/\/.*$/gm, "");
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) stack.push(resolve(dirname(file), spec));
      else if (!spec.startsWith("node:")) packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return [...packages].sort();
}

/** Commands run many times a day: they must not pay for a parser, a template engine or a bundler they do not use. */
const QUICK_COMMANDS = ["cli.ts", "cli/status.ts", "cli/jobs.ts", "cli/experiments.ts"];
const HEAVY = ["chevrotain", "handlebars", "esbuild", "grammars/filter.ts", "grammars/requirements.ts"];

describe("architecture", () => {
  const files = sources(SRC);

  it("stages import only themselves, model/, util/ and grammars/; model/ and util/ import no stage", () => {
    expect(violations(files, (f) => readFileSync(f, "utf8"))).toEqual([]);
  });

  it("the rule catches a cross-stage import, a dynamic one, and a new folder without a rule", () => {
    const fake = (rel: string) => join(SRC, rel);
    const texts: Record<string, string> = {
      [fake("run/x.ts")]: 'import { emit } from "../emit/index.ts";\nimport { a } from "../model/workspace.ts";',
      [fake("model/y.ts")]: 'const m = await import("../load/index.ts");',
      [fake("emit/z.ts")]: 'new Worker(new URL("../run/w.mjs", import.meta.url));',
      [fake("extra/w.ts")]: 'import { a } from "../model/workspace.ts";',
      [fake("cli/ok.ts")]: 'import { run } from "../run/index.ts";',
    };
    expect(violations(Object.keys(texts), (f) => texts[f]!)).toEqual([
      "src/run/x.ts imports ../emit/index.ts (src/run may import only run, model, util, grammars)",
      "src/model/y.ts imports ../load/index.ts (src/model may import only model, util)",
      "src/emit/z.ts imports ../run/w.mjs (src/emit may import only emit, model, util, grammars)",
      "src/extra/w.ts: the folder src/extra has no architecture rule (add it to test/architecture.test.ts and ARCHITECTURE.md)",
    ]);
  });

  it("--version, status, jobs and results load no parser, template engine or bundler (a --filter loads its parser when given)", () => {
    const read = (f: string) => readFileSync(f, "utf8");
    for (const entry of QUICK_COMMANDS) expect({ entry, heavy: packagesReached(join(SRC, entry), read).filter((p) => HEAVY.includes(p)) }).toEqual({ entry, heavy: [] });
    // The rule sees a static chain to a grammar and chevrotain, and not a dynamic import or a type-only one.
    const fake = (rel: string) => join(SRC, rel);
    const texts: Record<string, string> = {
      [fake("cli/a.ts")]: 'import { parse } from "../util/b.ts";\nimport type { X } from "handlebars";\nconst c = await import("esbuild");',
      [fake("util/b.ts")]: 'export { g } from "../../grammars/c.ts";',
      [join(ROOT, "grammars/c.ts")]: 'import { createToken } from "chevrotain";',
    };
    expect(packagesReached(fake("cli/a.ts"), (f) => texts[f]!)).toEqual(["chevrotain", "grammars/c.ts"]);
  });

  it(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    expect(longFunctions(files, MAX_FUNCTION_LINES)).toEqual([]);
  });
});
