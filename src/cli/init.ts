/**
 * `experimaestro init <dir>`: writes a new experiment project from templates/project/ (files
 * ending in `.hbs` are rendered with the project's name and dependency specs; `gitignore` becomes
 * `.gitignore`, which npm would not ship). A non-empty folder is refused (XPM930); with --force
 * the missing files are added and every existing file is kept as it is.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { Codes, fail } from "../model/diagnostics.ts";
import { shellQuote } from "../util/shell.ts";
import { displayPath } from "../util/text.ts";
import { last, type Parsed } from "./args.ts";
import type { Out } from "./shared.ts";

const TEMPLATE = fileURLToPath(new URL("../../templates/project/", import.meta.url));
const PACKAGE = fileURLToPath(new URL("../../package.json", import.meta.url));

/** Template files as relative paths, sorted. */
function templateFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? templateFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

/** Where a template file goes in the project. */
function targetOf(rel: string): string {
  const out = rel.replace(/\.hbs$/, "");
  return basename(out) === "gitignore" ? join(dirname(out), ".gitignore") : out;
}

/** The package name (npm's rules), the experiment id and the type-id prefix of the project. */
export function projectNames(dir: string, given: string | undefined): { name: string; id: string } {
  const name = given ?? (basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "") || "experiment");
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214) {
    fail(Codes.USAGE, `'${name}' is not a valid npm package name`, { hint: "use lower-case letters, digits, '-', '.' and '_' (e.g. --name my-experiment, or @team/my-experiment)" });
  }
  const bare = name.replace(/^@[^/]+\//, "");
  const id = bare.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^(?=[0-9])/, "_");
  return { name, id };
}

/** The versions the project depends on: those experimaestro-ts itself is developed and tested with. */
function versions(): { version: string; tsx: string; typescript: string; vitest: string; typesNode: string } {
  const pkg = JSON.parse(readFileSync(PACKAGE, "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const dep = (name: string) => pkg.dependencies[name] ?? pkg.devDependencies[name] ?? "*";
  return { version: pkg.version, tsx: dep("tsx"), typescript: dep("typescript"), vitest: dep("vitest"), typesNode: dep("@types/node") };
}

function checkTarget(target: string, force: boolean): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) fail(Codes.WRITE_FAILED, `${displayPath(target)} exists and is not a folder`, { hint: "give the path of a new or empty folder" });
  const entries = readdirSync(target).sort();
  if (entries.length === 0 || force) return;
  fail(Codes.INIT_NOT_EMPTY, `${displayPath(target)} is not empty (${entries.slice(0, 5).join(", ")}${entries.length > 5 ? ", ..." : ""})`, {
    hint: "give a new or empty folder, or add --force to write the files that are missing (existing files are kept, never overwritten)",
  });
}

/** Writes the project; returns the files written and the ones kept (already there). */
function writeProject(target: string, view: Record<string, unknown>): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const kept: string[] = [];
  for (const rel of templateFiles(TEMPLATE)) {
    const out = targetOf(rel);
    const path = join(target, out);
    if (existsSync(path)) {
      kept.push(out);
      continue;
    }
    const text = readFileSync(join(TEMPLATE, rel), "utf8");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rel.endsWith(".hbs") ? Handlebars.compile(text, { noEscape: true, strict: true })(view) : text);
    written.push(out);
  }
  return { written, kept };
}

export function initCommand(p: Parsed, out: Out): number {
  const [dir, ...extra] = p.positional;
  if (!dir || extra.length) fail(Codes.USAGE, "init takes one folder", { hint: "experimaestro init my-experiment [--xpm-ts SPEC] [--name NAME] [--force]" });
  const target = resolve(dir);
  checkTarget(target, p.flags.has("--force"));
  const { name, id } = projectNames(target, last(p, "--name"));
  const v = versions();
  const xpmTs = last(p, "--xpm-ts") ?? `^${v.version}`;
  let result: { written: string[]; kept: string[] };
  try {
    result = writeProject(target, { name, id, xpmTs, versions: v });
  } catch (e) {
    return fail(Codes.WRITE_FAILED, `cannot write the project in ${displayPath(target)}: ${(e as Error).message}`, { hint: "check the folder's permissions" });
  }
  out(`created ${name} in ${displayPath(target)}: ${result.written.length} files (experimaestro-ts ${xpmTs})`);
  for (const f of result.written) out(`  ${f}`);
  if (result.kept.length) out(`kept as they were (--force never overwrites): ${result.kept.join(", ")}`);
  out(`next:\n  cd ${shellQuote(dir)}\n  npm install\n  npm run experiment   # prepare workspace/ and run the jobs here\n  npm test             # the plan against golden/ (written by the first run: commit it)`);
  return 0;
}
