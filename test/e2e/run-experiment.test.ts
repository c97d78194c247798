/**
 * run-experiment as experimaestro users know it: layered YAML, -c, --show, settings and
 * workspace selection, run-mode spellings, the experiment lock, dirty git, the golden check.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, fixture, tmp, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders();
const layers = (name: string) => fixture("layers", name);

describe("YAML layering", () => {
  it("imports chain, deep merge, lists replaced; --show prints the merged, validated configuration", () => {
    const r = cli(["run-experiment", layers("normal"), "--show"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "id: layers",
        "file: experiment.ts",
        "dirty_git: warn",
        "lr: 0.1",
        "epochs: 5",
        "model:",
        "  hidden: 16",
        "  act: relu",
        "tags:",
        "  - normal",
        "seeds:",
        "  - 1",
        "  - 2",
        "  - 3",
        "",
      ].join("\n"),
    );
  });

  it("--pre-yaml is under the experiment file, --post-yaml over it, -c over everything", () => {
    const pre = cli(["run-experiment", layers("normal"), "--show", "--pre-yaml", layers("pre.yaml")]);
    expect(pre.stdout).toContain("lr: 0.1\nepochs: 5\n");
    const post = cli(["run-experiment", layers("normal"), "--show", "--post-yaml", layers("post.yaml")]);
    expect(post.stdout).toContain("lr: 0.01\nepochs: 5\nmodel:\n  hidden: 16\n  act: tanh\n");
    const all = cli(["run-experiment", layers("normal"), "--show", "--pre-yaml", layers("pre.yaml"), "--post-yaml", layers("post.yaml"), "-c", "lr=1e-3", "-c", "model.hidden=32", "-c", "lr=2e-3"]);
    expect(all.stdout).toContain("lr: 0.002\nepochs: 5\nmodel:\n  hidden: 32\n  act: tanh\n");
  });

  it("-c values are read as YAML scalars and checked by the schema's types", () => {
    expect(cli(["run-experiment", layers("normal"), "--show", "-c", "epochs=3"]).stdout).toContain("epochs: 3\n");
    expect(cli(["run-experiment", layers("normal"), "--show", "-c", "tags=[a, b]"]).stdout).toContain("tags:\n  - a\n  - b\n");
    const bad = cli(["run-experiment", layers("normal"), "--show", "-c", "epochs=1.5"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error XPM104: 'epochs': expected int, received number (got 1.5)\n  --> -c epochs=1.5 at epochs");
  });

  it("grid values: a list, {range}, {range_mult} or one value", () => {
    expect(cli(["run-experiment", layers("normal"), "--show", "-c", "seeds=[4, 2]"]).stdout).toContain("seeds:\n  - 4\n  - 2\n");
    expect(cli(["run-experiment", layers("normal"), "--show", "-c", "seeds=7"]).stdout).toContain("seeds:\n  - 7\n");
    const dry = cli(["run-experiment", layers("normal"), "--run-mode", "DRY_RUN", "--workdir", scratch()]);
    expect(dry.stdout).toContain("experiment layers: 3 jobs");
  });

  it("an error in an imported file points at that file", () => {
    const r = cli(["run-experiment", layers("bad-layer"), "--show"]);
    expect(r.stderr).toContain("error XPM104: 'lr': expected number, received string (got \"fast\")\n  --> test/fixtures/layers/bad-common.yaml:1:5 at lr");
  });

  const bad: [string, string[], string, string][] = [
    ["import cycle", [layers("cycle-a")], "XPM122", "YAML imports form a cycle: test/fixtures/layers/cycle-a.yaml -> test/fixtures/layers/cycle-b.yaml -> test/fixtures/layers/cycle-a.yaml"],
    ["missing import", [layers("missing-import")], "XPM123", "cannot read test/fixtures/layers/nowhere.yaml\n  --> test/fixtures/layers/missing-import.yaml:5:5 at imports.1"],
    ["-c on a key that does not exist", [layers("normal"), "-c", "model.hiden=3"], "XPM121", "the configuration has no key 'model.hiden'\n  --> -c model.hiden=3\n  hint: did you mean 'model.hidden'?"],
    ["unknown run mode", [layers("normal"), "--run-mode", "fast"], "XPM901", "unknown run mode 'fast'"],
    ["both file and module", [fixture("bad/file-and-module")], "XPM104", "give either 'file' or 'module', not both"],
    ["neither file nor module", [fixture("bad/neither")], "XPM104", "the experiment names no module: give 'file' or 'module'"],
    ["settings with a wrong type", [layers("normal"), "--xpm-config-dir", fixture("settings/wrong-type"), "--run-mode", "dry-run"], "XPM130", "'workspaces': expected array, received object"],
    ["unknown workspace", [layers("normal"), "--xpm-config-dir", fixture("settings/triggers"), "--workspace", "visoin", "--run-mode", "dry-run"], "XPM131", "no workspace 'visoin' in the settings"],
  ];
  for (const [name, args, code, text] of bad) {
    it(`bad input: ${name} -> ${code}`, () => {
      const r = cli(["run-experiment", ...args, ...(args.includes("--run-mode") ? [] : ["--show"])]);
      expect(r.status).toBe(2);
      expect(errorsIn(r.stderr)).toMatch(new RegExp(`^error ${code}: `));
      expect(r.stderr).toContain(text);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)/);
    });
  }
});

describe("settings and workspaces", () => {
  const settings = fixture("settings/triggers");
  const workspaceLine = (args: string[], cwd?: string) => {
    const r = cli(["run-experiment", layers("normal"), "--run-mode", "dry-run", ...args], cwd ? { cwd } : {});
    return { line: r.stdout.split("\n").find((l) => l.startsWith("workspace: ")), r };
  };
  it("--workspace picks a declared workspace", () => {
    expect(workspaceLine(["--xpm-config-dir", settings, "--workspace", "vision"]).line).toBe("workspace: test/fixtures/settings/triggers/ws-vision (--workspace vision)");
  });
  it("--workdir comes before triggers", () => {
    const dir = scratch();
    expect(workspaceLine(["--xpm-config-dir", settings, "--workdir", dir]).line).toBe(`workspace: ${dir} (--workdir)`);
  });
  it("the first trigger matching the experiment id", () => {
    expect(workspaceLine(["--xpm-config-dir", settings]).line).toBe("workspace: test/fixtures/settings/triggers/ws-layers (workspace 'lay': trigger 'lay*' matches 'layers')");
  });
  it("no trigger matches: the first workspace, with a warning that says so", () => {
    const { line, r } = workspaceLine(["--xpm-config-dir", fixture("settings/no-triggers-match")]);
    expect(line).toBe("workspace: test/fixtures/settings/no-triggers-match/ws-vision (workspace 'vision': the first in the settings)");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("warning XPM132: no workspace trigger matches the experiment id 'layers'; using the first workspace 'vision'");
  });
  it("no settings: ./workspace, and the output says why", () => {
    const cwd = scratch();
    expect(workspaceLine([], cwd).line).toBe(`workspace: workspace (default: no --workdir and no workspace in the settings)`);
  });
  it("job environment: workspace, then settings, then --env (later wins)", () => {
    const ws = scratch();
    const r = cli(["run-experiment", layers("normal"), "--run-mode", "prepare", "--xpm-config-dir", settings, "--workdir", join(ws, "x"), "--env", "XPM_TEST_CLI", "it's"]);
    expect(r.status).toBe(0);
    const r2 = cli(["run-experiment", layers("normal"), "--run-mode", "prepare", "--xpm-config-dir", settings, "--env", "XPM_TEST_CLI", "it's", "--workspace", "lay"]);
    expect(r2.status).toBe(0);
    scratch.track(join(settings, "ws-layers"));
    const script = spawnSync("bash", ["-c", `cat ${join(settings, "ws-layers")}/jobs/layers.fit/*/fit.sh | head -40`], { encoding: "utf8" }).stdout;
    expect(script).toContain("export XPM_TEST_WS=from-workspace\nexport XPM_TEST_SETTINGS=from-settings\nexport XPM_TEST_CLI='it'\\''s'\n");
  });
});

describe("run modes and the experiment lock", () => {
  it("accepts experimaestro's spellings", () => {
    const ws = scratch();
    expect(cli(["run-experiment", layers("normal"), "--run-mode", "GENERATE_ONLY", "--workdir", ws]).stdout).toContain("prepared: run with");
    expect(cli(["run-experiment", layers("normal"), "--run-mode", "Dry_Run", "--workdir", ws]).stdout).toContain("dry run: nothing written");
  });

  it("the experiment lock is flock(2) on experiments/<id>/lock, as experimaestro's: a leftover file is free, a held lock refuses with the holder named", async () => {
    const ws = scratch();
    const dir = join(ws, "experiments/layers");
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, "lock");
    // What experimaestro (or an older version of ours) may leave behind: not a lock by itself.
    writeFileSync(lock, "");
    expect(cli(["run-experiment", layers("normal"), "--workdir", ws]).status).toBe(0);
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: "2026-01-01T00:00:00.000Z" }));
    expect(cli(["run-experiment", layers("normal"), "--workdir", ws]).status).toBe(0);
    expect(existsSync(join(dir, "lock.holder"))).toBe(false);

    // Another process holds the flock, as a running experimaestro does.
    // (Killed below: its sleep only has to outlast the calls, however loaded the machine.)
    const holder = spawn("flock", [lock, "sleep", "600"], { stdio: "ignore", detached: true });
    try {
      await waitFor(() => spawnSync("flock", ["-n", lock, "true"]).status !== 0);
      const refused = cli(["run-experiment", layers("normal"), "--workdir", ws]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("error XPM141: the experiment is already running: another process (Python experimaestro takes the same lock)");
      // Ours names itself beside the lock.
      writeFileSync(join(dir, "lock.holder"), JSON.stringify({ pid: 4242, host: "gpu-7", since: "2026-01-01T00:00:00.000Z" }));
      expect(cli(["run-experiment", layers("normal"), "--workdir", ws]).stderr).toContain("process 4242 on gpu-7 since 2026-01-01T00:00:00.000Z");
      // Prepare and dry-run take no lock.
      expect(cli(["run-experiment", layers("normal"), "--workdir", ws, "--run-mode", "prepare"]).status).toBe(0);
    } finally {
      process.kill(-holder.pid!, "SIGKILL");
    }
    await waitFor(() => spawnSync("flock", ["-n", lock, "true"]).status === 0);
    expect(cli(["run-experiment", layers("normal"), "--workdir", ws]).status).toBe(0);
   }, 240_000);
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
}

/** A copy of the grid example in its own git repository, resolving experimaestro-ts to this checkout. */
function exampleCopy(): string {
  const dir = scratch();
  cpSync(join(ROOT, "examples/grid"), join(dir, "grid"), { recursive: true, filter: (src) => !src.includes("/workspace") });
  cpSync(join(ROOT, "golden/grid"), join(dir, "golden"), { recursive: true });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/experimaestro-ts"));
  const git = (...args: string[]) => spawnSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });
  git("init", "-q");
  writeFileSync(join(dir, ".gitignore"), "node_modules\n");
  writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  git("add", "-A");
  git("commit", "-qm", "example");
  return dir;
}

describe("the golden check for users' CI", () => {
  it("passes on the committed tree, fails with a readable diff when a default changes, passes again after --update-golden", () => {
    const dir = exampleCopy();
    const run = (...extra: string[]) => cli(["run-experiment", "grid/normal", "--golden", "golden", ...extra], { cwd: dir });
    const same = run();
    expect(same.status).toBe(0);
    expect(same.stdout).toContain("golden: 36 files match golden");

    const tasks = join(dir, "grid/tasks.ts");
    writeFileSync(tasks, readFileSync(tasks, "utf8").replace("samples: param(z.int().positive(), { default: 1000, ignoreDefault: true })", "samples: param(z.int().positive(), { default: 500, ignoreDefault: true })"));
    const changed = run();
    expect(changed.status).toBe(1);
    // tasks.ts is bundled for the execute task Train: its bundle changes too (a large file, said in a line).
    expect(changed.stderr).toContain("error XPM150: the emitted files differ from golden in 15 files");
    // The plan summary comes first: a default that is not hashed keeps the identifiers.
    expect(changed.stdout).toContain("grid.Train (6 jobs)\n  6 updated: uses changed tasks.mjs\ngrid.Evaluate (6 jobs)\n  6 updated: samples 1000 → 500 (not hashed: done jobs are kept)\n");
    expect(changed.stdout).toContain("total: 12 updated, 1 unchanged (13 jobs); 2 asset files changed\n");
    expect(changed.stdout).toMatch(/^\(a large file, not shown: \d+ bytes, now \d+\)$/m);
    expect(changed.stdout).toMatch(/^--- golden\/jobs\/grid\.evaluate\/\w+\/evaluate\.sh\n\+\+\+ emitted\/jobs\/grid\.evaluate\/\w+\/evaluate\.sh\n@@ /m);
    expect(changed.stdout).toMatch(/^- {2}xpm_step node \S+ --model \S+ --samples 1000 --out metrics\.json$/m);
    expect(changed.stdout).toMatch(/^\+ {2}xpm_step node \S+ --model \S+ --samples 500 --out metrics\.json$/m);

    expect(run("--update-golden").stdout).toContain("golden: golden updated (36 files)");
    expect(run().status).toBe(0);
  });

  it("dirty_git: error refuses to prepare a dirty project; warn says so and goes on", () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, "grid/normal.yaml"), `${readFileSync(join(dir, "grid/normal.yaml"), "utf8")}# edited\n`);
    const ws = join(dir, "ws");
    const refused = cli(["run-experiment", "grid/normal", "--run-mode", "prepare", "--workdir", ws, "-c", "dirty_git=error"], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("error XPM140: the project has uncommitted changes (grid/normal.yaml)");
    const warned = cli(["run-experiment", "grid/normal", "--run-mode", "prepare", "--workdir", ws], { cwd: dir });
    expect(warned.status).toBe(0);
    expect(warned.stderr).toContain("warning XPM140: the project has uncommitted changes (grid/normal.yaml)");
  });
});

describe("editor support", () => {
  it("schema writes a JSON Schema with the experiment keys and the module's Configuration", () => {
    const r = cli(["schema", layers("normal")]);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["id", "file", "module", "imports", "lr", "epochs", "model", "seeds"]));
    expect(schema.properties.model.properties.act.enum).toEqual(["relu", "tanh"]);
    expect(schema.required).toEqual(expect.arrayContaining(["id", "lr", "model", "seeds"]));
  });
});

describe("dry-run over a workspace", () => {
  it("prints each job's state from its markers: done, failed with the reason, or to do", () => {
    const ws = scratch();
    const args = ["run-experiment", layers("normal"), "--workdir", ws];
    expect(cli([...args, "--run-mode", "prepare"]).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(ws, "experiments/layers/manifest.json"), "utf8")) as { jobs: { dir: string; name: string; task: string; hash: string }[] };
    const [done, failed, todo] = manifest.jobs;
    writeFileSync(join(ws, done!.dir, `${done!.name}.done`), "");
    writeFileSync(join(ws, failed!.dir, `${failed!.name}.failed`), '{"code": 124, "reason": "timeout"}\n');
    const r = cli([...args, "--run-mode", "dry-run"]);
    expect(r.status).toBe(0);
    const line = (j: typeof done) => r.stdout.split("\n").find((l) => l.endsWith(`${j!.task}/${j!.hash.slice(0, 8)}`));
    expect(line(done)).toMatch(/^done\s/);
    expect(line(failed)).toMatch(/^failed \(timeout\)\s/);
    expect(line(todo)).toMatch(/^todo\s/);
  });
});
