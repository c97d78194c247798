/**
 * `execute` tasks for real: the bundle under assets/, the values and context a job's function
 * gets, failures reported at the project's `.ts` lines, a missing or old Node, cancellation and
 * the time-limit warning reaching ctx.signal, progress, packages left out of the bundle, and a
 * workspace that runs after being copied away from its project.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, fixture, scratchFolders, tree } from "../helpers.ts";

const scratch = scratchFolders("xpm-execute-");
const PROJECT = fixture("projects/execute/normal");

function prepare(ws: string, yaml = PROJECT, args: string[] = []) {
  const r = cli(["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws, ...args]);
  expect(errorsIn(r.stderr)).toBe("");
  expect(r.status).toBe(0);
}

/** The only job folder of a task. */
function jobDir(ws: string, task: string): string {
  const dir = join(ws, "jobs", task);
  return join(dir, readdirSync(dir)[0]!);
}

/** The bundle's folder (assets/<digest>/ holding tasks.mjs). */
function bundleDir(ws: string): string {
  const found = readdirSync(join(ws, "assets")).filter((d) => existsSync(join(ws, "assets", d, "tasks.mjs")));
  expect(found).toHaveLength(1);
  return join(ws, "assets", found[0]!);
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A copy of a project outside the repository, with experimaestro-ts installed as a link (as `file:` does). */
function projectCopy(source: string, at: string): string {
  cpSync(source, at, { recursive: true, filter: (p) => !p.includes("/workspace") });
  writeFileSync(join(at, "package.json"), `${JSON.stringify({ name: "copy", type: "module", private: true })}\n`);
  mkdirSync(join(at, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(at, "node_modules/experimaestro-ts"));
  return at;
}

describe("execute tasks", () => {
  it("get their values resolved (paths absolute, sub-configs as objects, int64 exact) and their context", () => {
    const ws = join(scratch(), "ws");
    const r = cli(["run-experiment", PROJECT, "--workdir", ws]);
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.status).toBe(0);
    const show = jobDir(ws, "xe.show");
    const produce = jobDir(ws, "xe.produce");
    // The script runs the bundle with Node, through the launcher next to it: visible, relative.
    const script = readFileSync(join(show, "show.sh"), "utf8");
    expect(script).toMatch(/xpm_step bash \.\.\/\.\.\/\.\.\/assets\/[0-9a-f]{16}\/node\.sh \.\.\/\.\.\/\.\.\/assets\/[0-9a-f]{16}\/tasks\.mjs xe\.Show\n/);
    const { values, context } = JSON.parse(readFileSync(join(show, "values.json"), "utf8"));
    expect(values).toMatchObject({
      $type: "xe.Show",
      big: "1152921504606846977n",
      ratio: 0.5,
      words: { set: ["b", "a"] },
      weights: { map: [["x", 1.5]] },
      counts: { a: 1 },
      maybe: null,
      input: "/data/input.txt",
      out: join(show, "values.json"),
      data: { $type: "xe.Data", name: "produced-3", file: join(produce, "produced.txt"), scratch: join(show, "scratch.txt") },
      producer: { $type: "xe.Produce", n: 3, out: join(produce, "produced.txt") },
    });
    expect(values.producer.$id).toBe(produce.split("/").pop());
    expect(context).toEqual({ taskId: "xe.Show", identifier: show.split("/").pop(), jobDir: show, workspace: ws, cwd: show });
    expect(readFileSync(join(show, "show.out"), "utf8")).toMatch(/^\S+Z INFO  values written\n$/);
    expect(readFileSync(join(show, "show.err"), "utf8")).toMatch(/^\S+Z WARN  a warning goes to stderr\n$/);
  });

  it("a throw names the project's .ts file and line, in <name>.err and in the runner's summary", () => {
    const ws = join(scratch(), "ws");
    const r = cli(["run-experiment", PROJECT, "--workdir", ws, "-c", "fail=true"]);
    expect(r.status).toBe(1);
    const where = "lib/explode.ts:3:9";
    const err = readFileSync(join(jobDir(ws, "xe.fail"), "fail.err"), "utf8");
    expect(err).toContain(`Error: exploded: on purpose\n    at explode (${where})\n    at Object.execute (tasks.ts:`);
    expect(err).toContain(`experimaestro: xe.Fail failed (${where}): exploded: on purpose`);
    // Only the task's frames: not the runtime's, not Node's.
    expect(err).not.toMatch(/runtime|node:internal|assets\//);
    expect(JSON.parse(readFileSync(join(jobDir(ws, "xe.fail"), "fail.failed"), "utf8"))).toEqual({ code: 1, reason: "failed" });
    expect(r.stdout).toContain(`|     at explode (${where})`);
    expect(r.stdout).toContain(`| experimaestro: xe.Fail failed (${where}): exploded: on purpose`);
  });

  it("a missing Node, or one too old, fails the job with a clear message (XPM_NODE chooses it)", () => {
    const dir = scratch();
    const ws = join(dir, "ws");
    prepare(ws);
    const missing = cli(["run", ws, "xe"], { env: { XPM_NODE: join(dir, "no-such-node") } });
    expect(missing.status).toBe(1);
    const produce = jobDir(ws, "xe.produce");
    expect(JSON.parse(readFileSync(join(produce, "produce.failed"), "utf8"))).toEqual({ code: 127, reason: "failed" });
    expect(readFileSync(join(produce, "produce.err"), "utf8")).toContain(`experimaestro: cannot run the task: Node.js not found ('${join(dir, "no-such-node")}')`);
    expect(missing.stdout).toContain("set XPM_NODE to its node binary");

    // A Node that says it is 18: the bundle's first statement refuses it.
    writeFileSync(join(dir, "old.cjs"), 'Object.defineProperty(process.versions, "node", { value: "18.19.0" });\n');
    writeFileSync(join(dir, "old-node"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(join(dir, "old.cjs"))} "$@"\n`, { mode: 0o755 });
    const old = cli(["run", ws, "xe"], { env: { XPM_NODE: join(dir, "old-node") } });
    expect(old.status).toBe(1);
    expect(JSON.parse(readFileSync(join(produce, "produce.failed"), "utf8"))).toEqual({ code: 126, reason: "failed" });
    expect(readFileSync(join(produce, "produce.err"), "utf8")).toMatch(/^experimaestro: cannot run the task: Node\.js 18\.19\.0 \(.+\) is too old: .*needs Node\.js >= 20/);

    // XPM_NODE pointing at a real node runs the job.
    expect(cli(["run", ws, "xe"], { env: { XPM_NODE: process.execPath } }).status).toBe(0);
  });

  it("cancellation reaches ctx.signal; progress is in <name>.progress and `status` shows it", async () => {
    const ws = join(scratch(), "ws");
    prepare(ws, PROJECT, ["-c", "slow_steps=200", "-c", "step_ms=100"]);
    const slow = jobDir(ws, "xe.slow");
    const job = spawn("bash", ["slow.sh"], { cwd: slow, stdio: "ignore" });
    const exited = new Promise<number | null>((r) => job.on("exit", (code) => r(code)));
    await until("progress", () => existsSync(join(slow, "slow.progress")) && JSON.parse(readFileSync(join(slow, "slow.progress"), "utf8")).fraction > 0);
    const progress = JSON.parse(readFileSync(join(slow, "slow.progress"), "utf8"));
    expect(progress).toEqual({ fraction: expect.any(Number), message: expect.stringMatching(/^step \d+ of 200$/), time: expect.stringMatching(/^20\d\d-.*Z$/) });
    const status = cli(["status", ws, "xe"]);
    expect(status.stdout).toMatch(/xe\.Slow\/[0-9a-f]{8}\s+running\s+\d+% step \d+ of 200/);
    const rows = JSON.parse(cli(["status", ws, "xe", "--json"]).stdout) as { task: string; progress?: { fraction: number } }[];
    expect(rows.find((r) => r.task === "xe.Slow")!.progress!.fraction).toBeGreaterThan(0);

    job.kill("SIGTERM");
    expect(await exited).toBe(143);
    await until("the signal to be recorded", () => existsSync(join(slow, "signals.txt")));
    expect(readFileSync(join(slow, "signals.txt"), "utf8")).toBe("cancelled\n");
    expect(JSON.parse(readFileSync(join(slow, "slow.failed"), "utf8")).reason).toBe("cancelled");
  });

  it("the scheduler's early time-limit warning (SIGUSR1) aborts ctx.signal with kind 'timeout'", async () => {
    const ws = join(scratch(), "ws");
    prepare(ws, PROJECT, ["-c", "slow_steps=200", "-c", "step_ms=100"]);
    const slow = jobDir(ws, "xe.slow");
    const bundle = bundleDir(ws);
    // The command of the job script, run directly: the signal goes to Node itself.
    const child = spawn("bash", [join(bundle, "node.sh"), join(bundle, "tasks.mjs"), "xe.Slow"], { cwd: slow, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await until("progress", () => existsSync(join(slow, "slow.progress")));
    child.kill("SIGUSR1");
    expect(await exited).toBe(128 + 10);
    expect(readFileSync(join(slow, "signals.txt"), "utf8")).toBe("timeout\n");
    expect(stderr).toContain("experimaestro: xe.Slow stopped: the job reaches its time limit (SIGUSR1)");
  });
});

const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

describe("the bundle of execute tasks", () => {
  // CI installs shellcheck (test/e2e/shellcheck.test.ts says loudly when it is missing).
  it.skipIf(!shellcheck)("its launcher, node.sh, passes shellcheck", () => {
    const r = spawnSync("shellcheck", ["--severity=style", join(ROOT, "templates/node.sh")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("is the same bytes for the same sources: workspaces and project copies at different paths", () => {
    const a = scratch();
    const b = join(scratch(), "deeper", "still");
    for (const dir of [a, b]) {
      projectCopy(fixture("projects/execute"), join(dir, "project"));
      prepare(join(dir, "ws"), join(dir, "project/normal"));
    }
    const [ta, tb] = [tree(bundleDir(join(a, "ws"))), tree(bundleDir(join(b, "ws")))];
    expect([...ta.keys()]).toEqual(["node.sh", "tasks.mjs", "tasks.mjs.map"]);
    expect(bundleDir(join(a, "ws")).split("/").pop()).toBe(bundleDir(join(b, "ws")).split("/").pop());
    for (const [name, bytes] of ta) expect(tb.get(name)!.equals(bytes), name).toBe(true);
    const text = [...ta.values()].map((x) => x.toString()).join("\n");
    for (const path of [a, b, ROOT, "/node_modules/.pnpm"]) expect(text).not.toContain(path);
    // Sources are named by stable labels; the map leaves the packages out.
    const map = JSON.parse(ta.get("tasks.mjs.map")!.toString());
    expect(map.sources).toEqual(expect.arrayContaining(["tasks.ts", "lib/explode.ts", "experimaestro-ts/src/runtime/main.ts"]));
    expect(map.sources.filter((s: string) => s.startsWith("node_modules/"))).toEqual([]);
    expect(ta.get("tasks.mjs")!.toString()).toContain("\n// node_modules/zod/v4/core/core.js\n");
  });

  it("leaves packages with a native addon out; the job finds them next to the workspace or on NODE_PATH", () => {
    const dir = scratch();
    const project = projectCopy(fixture("projects/execute"), join(dir, "project"));
    const pkg = join(project, "node_modules/fake-native");
    mkdirSync(pkg);
    writeFileSync(join(pkg, "package.json"), `${JSON.stringify({ name: "fake-native", version: "1.0.0", main: "index.js", gypfile: true })}\n`);
    writeFileSync(join(pkg, "binding.gyp"), "{}\n");
    writeFileSync(join(pkg, "index.js"), 'exports.greet = (who) => `hello ${who} from the addon`;\n');
    writeFileSync(join(project, "tasks.ts"), readFileSync(join(project, "tasks.ts"), "utf8").replace('import { explode } from "./lib/explode.ts";', 'import { explode } from "./lib/explode.ts";\nimport { greet } from "fake-native";').replace("explode(p.why)", "explode(greet(p.why))"));
    const ws = join(dir, "ws");
    prepare(ws, join(project, "normal"), ["-c", "fail=true"]);
    const code = readFileSync(join(bundleDir(ws), "tasks.mjs"), "utf8");
    expect(code).toContain('require("fake-native")');
    expect(code).not.toContain("from the addon");
    // Not found (the project is not next to the workspace): a clear error from Node.
    const moved = join(dir, "elsewhere", "ws");
    cpSync(ws, moved, { recursive: true });
    const none = cli(["run", moved, "xe"]);
    expect(none.status).toBe(1);
    expect(readFileSync(join(jobDir(moved, "xe.fail"), "fail.err"), "utf8")).toContain("Cannot find module 'fake-native'");
    // On NODE_PATH: found, and the task runs (here: throws with the addon's words).
    const found = cli(["run", moved, "xe"], { env: { NODE_PATH: join(project, "node_modules") } });
    expect(found.status).toBe(1);
    expect(readFileSync(join(jobDir(moved, "xe.fail"), "fail.err"), "utf8")).toContain("exploded: hello on purpose from the addon");
    // In a node_modules folder next to the workspace: found too.
    cpSync(pkg, join(dir, "elsewhere/node_modules/fake-native"), { recursive: true });
    expect(cli(["run", moved, "xe"]).status).toBe(1);
    expect(readFileSync(join(jobDir(moved, "xe.fail"), "fail.err"), "utf8")).toContain("exploded: hello on purpose from the addon");
  });
});

describe("the grid example, whose Train task is an execute task", () => {
  it("runs from a copy of its workspace after the project folder is renamed away", () => {
    const dir = scratch();
    const project = projectCopy(join(ROOT, "examples/grid"), join(dir, "project"));
    const ws = join(dir, "ws");
    prepare(ws, join(project, "normal"), ["-c", "lrs=[0.2]", "-c", "seeds=[7]"]);
    const copy = join(dir, "copied", "ws");
    cpSync(ws, copy, { recursive: true });
    renameSync(project, join(dir, "project-gone"));
    const r = spawnSync("bash", [join(copy, "experiments/grid/run-local.sh")], { encoding: "utf8" });
    expect(r.stdout).toContain("3 jobs: 0 already done, 3 ran, 0 failed");
    expect(r.status).toBe(0);
    const train = jobDir(copy, "grid.train");
    expect(JSON.parse(readFileSync(join(train, "model.json"), "utf8"))).toMatchObject({ lr: 0.2, seed: 7, epochs: 200 });
    expect(readFileSync(join(train, "train.progress"), "utf8")).toContain('"fraction":1,"message":"epoch 200/200"');
    expect(readFileSync(join(jobDir(copy, "grid.report"), "results.md"), "utf8")).toContain("| 0.2 | 7 |");
  });

  it("a diverging Train shows its tasks.ts line in train.err and in the runner's summary", () => {
    const ws = join(scratch(), "ws");
    const r = cli(["run-experiment", "examples/grid/normal", "--workdir", ws, "-c", "lrs=[100]", "-c", "seeds=[1]"]);
    expect(r.status).toBe(1);
    const err = readFileSync(join(jobDir(ws, "grid.train"), "train.err"), "utf8");
    expect(err).toMatch(/^Error: diverged at epoch \d+ with lr=100: try a smaller learning rate\n {4}at Object\.execute \(tasks\.ts:\d+:\d+\)\n/);
    expect(r.stdout).toMatch(/\| experimaestro: grid\.Train failed \(tasks\.ts:\d+:\d+\): diverged at epoch/);
  });
});
