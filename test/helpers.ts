/** Shared by the tests: run the real CLI in a child process, make temporary folders, read trees. */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI = join(ROOT, "bin/experimaestro.mjs");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** An empty settings folder, so that the tester's own launchers.yaml never leaks into a test. */
const EMPTY_CONFIG = mkdtempSync(join(tmpdir(), "xpm-config-"));

/** Runs `experimaestro <args>` as a user would (a separate Node process). */
export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, XPM_CONFIG_DIR: EMPTY_CONFIG, ...opts.env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export function tmp(prefix = "xpm-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Every file below `dir` as relative path -> bytes (sorted by path): the reviewable tree, so
 * without the prepare record (`.xpm/` at the top), which holds file times of this machine.
 */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (d === dir && e.name === ".xpm") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The path of a fixture project's YAML. */
export function fixture(...parts: string[]): string {
  return join(ROOT, "test/fixtures", ...parts);
}

/** stderr without warnings (a developer's uncommitted changes make dirty_git warn): only errors count. */
export function errorsIn(stderr: string): string {
  return stderr
    .split(/\n(?=\S)/)
    .filter((block) => !block.startsWith("warning "))
    .join("\n")
    .trim();
}

/** Temporary folders removed after the file's tests: `const scratch = scratchFolders("xpm-x-")`. */
export function scratchFolders(prefix = "xpm-test-"): (() => string) & { track(path: string): void } {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const make = () => {
    const d = tmp(prefix);
    made.push(d);
    return d;
  };
  return Object.assign(make, { track: (path: string) => void made.push(path) });
}

/** The environment of a user's shell: nothing from the outer `npm test`, vitest or CI, and no XPM_ settings. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const own = Object.entries(process.env).filter(([k]) => !/^(npm_|VITEST|CI$|NODE_OPTIONS$|XPM_)/i.test(k));
  return { ...Object.fromEntries(own), ...extra };
}

/** Runs `npm <args>` in a project folder as its user would; stdout and stderr together. */
export function npmIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: userEnv(env), timeout: 150_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
