/**
 * An experiment's modules as the compiled CLI imports them (bundled by esbuild, no module hooks):
 * they see what they would unbundled (their own import.meta, one zod, one instance of a module
 * the pre_experiment module shares with them), and an edited module is seen at the next run.
 */
import { cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, fixture, tmp } from "../helpers.ts";

/** The params of the one Note job a prepare of `yaml` made in a fresh workspace. */
function prepareNote(yaml: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const ws = join(tmp(), "ws");
  const r = cli(["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws], { env });
  expect(errorsIn(r.stderr)).toBe("");
  expect(r.status).toBe(0);
  const dir = join(ws, "jobs/modules.note");
  const [hash] = readdirSync(dir);
  return JSON.parse(readFileSync(join(dir, hash!, "params.json"), "utf8")).params;
}

/** The bundle index files in a cache folder, with their modification times. */
function cacheIndexes(cache: string): Map<string, number> {
  const root = join(cache, "experimaestro-ts/modules");
  return new Map(readdirSync(root).map((d) => [d, statSync(join(root, d, "index.json")).mtimeMs]));
}

describe("the experiment's modules, bundled", () => {
  it("see their own import.meta, the CLI's zod by its own name, and what pre_experiment left in a module they share", () => {
    const dir = fixture("projects/modules");
    const params = prepareNote(join(dir, "normal"), { XDG_CACHE_HOME: tmp() });
    expect(params).toMatchObject({ text: "hello from pre_experiment", url: `file://${dir}/experiment.ts`, dirname: dir });
  });

  it("are bundled again when one of their files changed, and not when none did", () => {
    const project = join(tmp(), "project");
    cpSync(fixture("projects/modules"), project, { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
    const cache = tmp();
    const env = { XDG_CACHE_HOME: cache };
    expect(prepareNote(join(project, "normal"), env).text).toBe("hello from pre_experiment");
    const first = cacheIndexes(cache);
    expect(first.size).toBe(1);

    expect(prepareNote(join(project, "normal"), env).text).toBe("hello from pre_experiment");
    expect(cacheIndexes(cache)).toEqual(first);

    // The same size, another content: a pre_experiment module edited in place.
    writeFileSync(join(project, "pre.ts"), readFileSync(join(project, "pre.ts"), "utf8").replace('"pre_experiment"', '"PRE_EXPERIMENT"'));
    expect(prepareNote(join(project, "normal"), env).text).toBe("hello from PRE_EXPERIMENT");
    const [key] = first.keys();
    expect(cacheIndexes(cache).get(key!)).toBeGreaterThan(first.get(key!)!);
  });
});
