/**
 * A workspace shared with Python experimaestro, for real: built from what experimaestro 2.7.0b2
 * left in a workspace (test/fixtures/xpm-workspace/, copied from shared/vectors), it is read and
 * left alone by our experiment declaring the same tasks (test/fixtures/projects/xpm-compat):
 * the identifiers match, so the job folders are the same folders.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, fixture, scratchFolders, tree } from "../helpers.ts";

const scratch = scratchFolders("xpm-shared-");
const project = fixture("projects/xpm-compat/normal");

/** A workspace as experimaestro leaves it after the `ok` (Learn -> Evaluate) or `failed` run, with its lock file kept. */
function xpmWorkspace(run: "ok" | "failed"): string {
  const ws = scratch();
  cpSync(fixture("xpm-workspace", run), ws, { recursive: true });
  for (const [path, bytes] of tree(ws)) writeFileSync(join(ws, path), bytes.toString("utf8").replaceAll("<ws>", ws));
  writeFileSync(join(ws, ".__experimaestro__"), "");
  mkdirSync(join(ws, "experiments/compat-demo"), { recursive: true });
  // filelock 3.16-3.20.3 and >= 3.29.5 leave the (empty) lock files behind.
  writeFileSync(join(ws, "experiments/compat-demo/lock"), "");
  for (const dir of readdirSync(join(ws, "jobs"))) {
    for (const hash of readdirSync(join(ws, "jobs", dir))) writeFileSync(join(ws, "jobs", dir, hash, `${dir.split(".").pop()}.lock`), "");
  }
  return ws;
}

/** Every file experimaestro wrote, as bytes (our manifest and drivers aside). */
function theirs(ws: string): Map<string, Buffer> {
  return new Map([...tree(ws)].filter(([p]) => !/^experiments\/compat-demo\/[^/]+$/.test(p) || p === "experiments/compat-demo/lock"));
}

const args = (ws: string, ...extra: string[]) => ["run-experiment", project, "--workdir", ws, "--xpm-config-dir", join(ws, "..", "no-config"), ...extra];

describe("a workspace that Python experimaestro ran", () => {
  it("dry-run reports its jobs done by experimaestro", () => {
    const ws = xpmWorkspace("ok");
    const r = cli(args(ws, "--run-mode", "dry-run"));
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.stdout).toMatch(/^done \(experimaestro\) compat\.tasks\.Learn\/18b11de1$/m);
    expect(r.stdout).toMatch(/^done \(experimaestro\) compat\.tasks\.Evaluate\/27db5a5a$/m);
  });

  it("prepare and normal leave every one of its files byte-identical, despite the leftover lock files", () => {
    const ws = xpmWorkspace("ok");
    const before = theirs(ws);
    const prepared = cli(args(ws, "--run-mode", "prepare"));
    expect(errorsIn(prepared.stderr)).toBe("");
    expect(prepared.status).toBe(0);
    expect(theirs(ws)).toEqual(before);
    // Nothing of ours went into its job folders: no script, no params.json of our format.
    expect(existsSync(join(ws, "jobs/compat.tasks.learn/18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba/learn.sh"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(ws, "experiments/compat-demo/manifest.json"), "utf8"));
    expect(manifest.jobs.map((j: { dir: string }) => j.dir)).toEqual([
      "jobs/compat.tasks.learn/18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba",
      "jobs/compat.tasks.evaluate/27db5a5a3d80668e0a14abe6d36f69768b70a2f1f10f1ef6fb78bb58ce796e5e",
    ]);
    const normal = cli(args(ws));
    expect(errorsIn(normal.stderr)).toBe("");
    expect(normal.status).toBe(0);
    expect(normal.stdout).toContain("nothing to run: all 2 jobs are already done");
    expect(theirs(ws)).toEqual(before);
    const status = JSON.parse(cli(["status", ws, "compat-demo", "--json"]).stdout) as { state: string; detail?: string }[];
    expect(status.map((s) => [s.state, s.detail])).toEqual([["done", "experimaestro"], ["done", "experimaestro"]]);
  });

  it("its failed jobs are reported with experimaestro's reason and not run again by us", () => {
    const ws = xpmWorkspace("failed");
    const before = theirs(ws);
    const dry = cli(args(ws, "-c", "failing=true", "--run-mode", "dry-run"));
    expect(dry.stdout).toMatch(/^failed \(failed\) compat\.tasks\.Explode\/18a69442$/m);
    expect(dry.stdout).toMatch(/^failed \(failed\) compat\.tasks\.ExitCode\/3b7b0f7d$/m);
    const normal = cli(args(ws, "-c", "failing=true"));
    expect(normal.status).toBe(1);
    expect(normal.stdout).toContain("2 jobs are in folders that Python experimaestro prepared and did not finish");
    expect(theirs(ws)).toEqual(before);
  });

  it("a held experiment lock (experimaestro running) makes our normal run refuse, naming it", async () => {
    const ws = xpmWorkspace("ok");
    const lock = join(ws, "experiments/compat-demo/lock");
    const holder = spawn("flock", [lock, "sleep", "60"], { stdio: "ignore", detached: true });
    try {
      for (let i = 0; i < 100 && spawnSync("flock", ["-n", lock, "true"]).status === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const r = cli(args(ws));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("error XPM141: the experiment is already running: another process (Python experimaestro takes the same lock)");
    } finally {
      process.kill(-holder.pid!, "SIGKILL");
    }
  });
});

describe("two experiments sharing a job", () => {
  it("each keeps its own tags (in its manifest), whichever prepared last", () => {
    const ws = scratch();
    const yaml = fixture("projects/shared-tags/a");
    expect(cli(["run-experiment", yaml, "--workdir", ws, "--run-mode", "prepare"]).status).toBe(0);
    expect(cli(["run-experiment", fixture("projects/shared-tags/b"), "--workdir", ws, "--run-mode", "prepare"]).status).toBe(0);
    const tags = (id: string) => JSON.parse(readFileSync(join(ws, "experiments", id, "manifest.json"), "utf8")).jobs.map((j: { tags: object }) => j.tags);
    expect(tags("tags-a")).toEqual([{ owner: "a" }]);
    expect(tags("tags-b")).toEqual([{ owner: "b" }]);
    const dirs = (id: string) => JSON.parse(readFileSync(join(ws, "experiments", id, "manifest.json"), "utf8")).jobs.map((j: { dir: string }) => j.dir);
    expect(dirs("tags-a")).toEqual(dirs("tags-b"));
    const params = readFileSync(join(ws, dirs("tags-a")[0], "params.json"), "utf8");
    expect(params).not.toContain("owner");
  });
});

describe("a done job's folder", () => {
  it("is byte-identical after a project file changes and prepare runs again", () => {
    const ws = scratch();
    const project = scratch();
    cpSync(fixture("projects/shared-tags"), project, { recursive: true });
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules/experimaestro-ts"));
    writeFileSync(join(project, "package.json"), '{ "type": "module", "private": true }\n');
    const yaml = join(project, "a");
    expect(cli(["run-experiment", yaml, "--workdir", ws]).status).toBe(0);
    const before = tree(join(ws, "jobs"));
    writeFileSync(join(project, "script.sh"), `${readFileSync(join(project, "script.sh"), "utf8")}# edited\n`);
    const again = cli(["run-experiment", yaml, "--workdir", ws, "--run-mode", "prepare"]);
    expect(again.status).toBe(0);
    expect(tree(join(ws, "jobs"))).toEqual(before);
  });
});
