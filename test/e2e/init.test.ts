/**
 * `experimaestro init`: the new project works as a user runs it — `npm install` (this checkout
 * as a `file:` dependency, the rest from npm's cache or registry), `npm run experiment`, `npm
 * test` — in a folder outside this repository, and its golden test fails once a param changes.
 * The install makes it the slowest test here (about 30 s on two busy cores).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, npmIn, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-init-");

const npm = (args: string[], cwd: string) => npmIn(cwd, args);

describe("experimaestro init", () => {
  it("init && npm install && npm run experiment && npm test; the golden test then fails when a param changes", { timeout: 240_000 }, () => {
    const dir = join(scratch(), "my-xp");
    const init = cli(["init", dir, "--xpm-ts", `file:${ROOT}`]);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain("created my-xp");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ "experimaestro-ts": `file:${ROOT}`, tsx: expect.any(String) });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["experiment", "golden", "test"]));

    const install = npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    expect(install.status, install.output).toBe(0);
    const run = npm(["run", "experiment"], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("4 jobs: 0 already done, 4 ran, 0 failed");
    const evaluations = readdirSync(join(dir, "workspace/jobs/my_xp.evaluate"));
    for (const e of evaluations) expect(JSON.parse(readFileSync(join(dir, "workspace/jobs/my_xp.evaluate", e, "metrics.json"), "utf8")).mse).toBeTypeOf("number");

    const first = npm(["test"], dir);
    expect(first.status, first.output).toBe(0);
    expect(existsSync(join(dir, "golden/experiments/my-xp/manifest.json"))).toBe(true);
    const again = npm(["test"], dir);
    expect(again.status, again.output).toBe(0);

    const yaml = join(dir, "normal.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace("lrs: [0.1, 0.01]", "lrs: [0.1, 0.02]"));
    const changed = npm(["test"], dir);
    expect(changed.status).not.toBe(0);
    expect(changed.output).toContain("error XPM150: the emitted files differ from golden");
    // The plan summary of --golden says what changed, in words.
    expect(changed.output).toContain("1 added: lr=0.02 seed=1");
    expect(changed.output).toContain("1 removed: lr=0.01 seed=1");
  });

  it("refuses a non-empty folder; --force adds the missing files and keeps the others", () => {
    const dir = scratch();
    writeFileSync(join(dir, "normal.yaml"), "id: mine\n");
    const refused = cli(["init", dir]);
    expect(refused.status).toBe(2);
    expect(errorsIn(refused.stderr)).toMatch(/^error XPM930: .* is not empty \(normal\.yaml\)/);
    expect(refused.stderr).toContain("--force");
    expect(readdirSync(dir)).toEqual(["normal.yaml"]);

    const forced = cli(["init", dir, "--force", "--name", "@team/probe"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("kept as they were (--force never overwrites): normal.yaml");
    expect(readFileSync(join(dir, "normal.yaml"), "utf8")).toBe("id: mine\n");
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name).toBe("@team/probe");
    expect(readFileSync(join(dir, "src/tasks.ts"), "utf8")).toContain('defineTask(\n  "probe.Train"');
    expect(existsSync(join(dir, ".gitignore"))).toBe(true);
  });

  it("says what is wrong with a name or a missing folder argument", () => {
    expect(errorsIn(cli(["init", join(scratch(), "x"), "--name", "Bad Name"]).stderr)).toContain("error XPM901: 'Bad Name' is not a valid npm package name");
    expect(errorsIn(cli(["init"]).stderr)).toContain("error XPM901: init takes one folder");
  });
});
