import { idWords } from "../../src/model/backend.ts";
/** src/inspect/ piece by piece: experimaestro's files, job ids, the results table, processes. */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backends } from "../../src/backends/index.ts";
import { parsePidFile, xpmOwnPaths, xpmParams } from "../../src/inspect/experimaestro.ts";
import type { JobRow, WorkspaceView } from "../../src/inspect/jobs.ts";
import { recordedProcess, scriptProcesses } from "../../src/inspect/process.ts";
import { renderResults, resultsTable } from "../../src/inspect/results.ts";
import { findJob } from "../../src/inspect/select.ts";
import type { XpInfo, XpJob } from "../../src/inspect/xpinfo.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { parseFilter } from "../../src/util/filter-parse.ts";
import { fixture, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-inspect-");

describe("experimaestro's files", () => {
  const evaluate = JSON.parse(readFileSync(fixture("xpm-workspace/ok/jobs/compat.tasks.evaluate/27db5a5a3d80668e0a14abe6d36f69768b70a2f1f10f1ef6fb78bb58ce796e5e/params.json"), "utf8"));
  const learn = JSON.parse(readFileSync(fixture("xpm-workspace/ok/jobs/compat.tasks.learn/18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba/params.json"), "utf8"));

  it("params.json: the task's fields, sub-configs by reference rebuilt, paths as strings", () => {
    expect(xpmParams(evaluate, "27db5a5a3d80668e0a14abe6d36f69768b70a2f1f10f1ef6fb78bb58ce796e5e")).toEqual({
      task: "compat.tasks.Evaluate",
      params: {
        $type: "compat.tasks.Evaluate",
        $id: "27db5a5a3d80668e0a14abe6d36f69768b70a2f1f10f1ef6fb78bb58ce796e5e",
        metric: "accuracy",
        checkpoint: {
          $type: "compat.tasks.Checkpoint",
          $id: "afd7196dbf1af073dcb9df3dad46f3b7d1d75fd6b512f48959109830914dd117",
          hidden: 16,
          path: "jobs/compat.tasks.learn/18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba/model.txt",
        },
      },
    });
    expect(xpmParams({ task: "grid.Train", params: {} }, "x")).toBeUndefined();
  });

  it("the job's own paths are those based on the job folder", () => {
    expect(xpmOwnPaths(learn, "18b11de1a0ef500bb32b87e97aba0c93324bb771a19ab8714693865ede40eeba")).toEqual({ model: "model.txt" });
    expect(xpmOwnPaths(evaluate, "27db5a5a3d80668e0a14abe6d36f69768b70a2f1f10f1ef6fb78bb58ce796e5e")).toEqual({});
  });

  it("pid files: experimaestro's JSON, or a bare number", () => {
    expect(parsePidFile('{"type": "local", "pid": 4242}')).toEqual({ type: "local", pid: "4242" });
    expect(parsePidFile('{"type": "slurm", "pid": "991"}')).toEqual({ type: "slurm", pid: "991" });
    expect(parsePidFile("1234\n")).toEqual({ type: "local", pid: "1234" });
    expect(parsePidFile("not a pid")).toBeUndefined();
    expect(parsePidFile('{"type": "local"}')).toBeUndefined();
  });

  it("backends say how to cancel a job", () => {
    const cancel = (key: string, ids: string[]) => [...backends.of(key).scheduler!.cancel.command, ...idWords(backends.of(key).scheduler!.cancel.ids, ids)];
    expect(cancel("slurm", ["12", "13"])).toEqual(["scancel", "12", "13"]);
    expect(cancel("oar", ["7"])).toEqual(["oardel", "7"]);
  });
});

function row(task: string, hash: string): JobRow {
  const key = `${task.toLowerCase()}/${hash}`;
  return { key, task, hash, dir: `jobs/${key}`, name: task.split(".").pop()!, origin: "experimaestro-ts", state: "done", detail: undefined, experiments: [], tags: {}, launcher: "local", backend: "local", schedulerId: undefined, deps: [], results: undefined, time: 0 };
}

describe("job ids", () => {
  const a = "0a1b2c3d".padEnd(64, "1");
  const b = "0a1b2c3e".padEnd(64, "2");
  const c = "ffee0000".padEnd(64, "3");
  const view: WorkspaceView = { workspace: "/ws", experiments: [], warnings: [], jobs: [row("m.Train", a), row("m.Train", b), row("m.Eval", c)] };
  const code = (id: string) => {
    try {
      findJob(view, id, "/ws");
      return "found";
    } catch (e) {
      return (e as XpmError).diagnostics[0]!.code;
    }
  };

  it.each([
    [`m.Train/${a}`, a],
    ["m.train/0a1b2c3d", a],
    ["M.TRAIN/0a1b2c3e", b],
    ["0a1b2c3e", b],
    ["ffee", c],
    [`jobs/m.eval/${c}/`, c],
    [`/ws/jobs/m.eval/${c}`, c],
    [`./jobs/m.train/${a}`, a],
    ["m.Eval/", c],
  ])("%s is one job", (id, hash) => {
    expect(findJob(view, id, "/ws").hash).toBe(hash);
  });

  it.each([
    ["m.Train/0a1b", "XPM921"],
    ["0a1b2c3", "XPM921"],
    ["m.Train/", "XPM921"],
    ["m.Train/ffee", "XPM920"],
    ["m.Tran/0a1b2c3d", "XPM920"],
    ["zzz", "XPM920"],
    ["", "XPM920"],
  ])("%s is %s", (id, expected) => {
    expect(code(id)).toBe(expected);
  });

  it("an ambiguous id lists the candidates", () => {
    try {
      findJob(view, "m.Train/0a", "/ws");
    } catch (e) {
      expect((e as XpmError).diagnostics[0]!.excerpt).toBe(`m.Train/${a}\nm.Train/${b}`);
    }
  });
});

function xpJob(label: string, tags: XpJob["tags"], results: unknown, state: XpJob["state"] = "done"): XpJob {
  return { task: "m.Eval", identifier: label, label, state, detail: undefined, folder: "/ws", tags, params: { k: 1 }, outputs: {}, resultsFile: "/ws/r.json", results, dependsOn: [] };
}

describe("the results table", () => {
  const info: XpInfo = {
    experiment: "x",
    workspace: "/ws",
    jobs: [
      xpJob("m.Eval/1", { model: "a|b", lr: 0.1 }, { lr: 0.1, score: { top1: 0.5, top5: 0.9 }, note: 'say "hi", twice' }),
      xpJob("m.Eval/2", { model: "c", lr: 0.2 }, { lr: 0.25, score: { top1: 0.7, top5: 0.95 }, note: null }),
      xpJob("m.Eval/3", { model: "d", lr: 0.3 }, undefined, "failed"),
    ],
  };

  it("columns: the job, the tags, then the fields (nested ones dotted); a field with the tag's name only when it differs", () => {
    const t = resultsTable(info);
    expect(t.columns).toEqual(["job", "model", "lr", "score.top1", "score.top5", "note", "results.lr"]);
    expect(t.rows[1]).toEqual({ job: "m.Eval/2", model: "c", lr: 0.2, "score.top1": 0.7, "score.top5": 0.95, note: null, "results.lr": 0.25 });
    expect(t.missing.map((j) => j.label)).toEqual(["m.Eval/3"]);
  });

  it("Markdown escapes pipes, CSV quotes what needs it, JSON keeps the values", () => {
    const t = resultsTable(info, { sort: "score.top1:desc" });
    expect(renderResults(t, "markdown").split("\n")[3]).toBe('| m.Eval/1 | a\\|b | 0.1 | 0.5 | 0.9 | say "hi", twice |  |');
    expect(renderResults(t, "csv").split("\n")).toEqual(["job,model,lr,score.top1,score.top5,note,results.lr", "m.Eval/2,c,0.2,0.7,0.95,,0.25", 'm.Eval/1,a|b,0.1,0.5,0.9,"say ""hi"", twice",']);
    expect(JSON.parse(renderResults(t, "json"))[1]).toMatchObject({ model: "a|b", "score.top1": 0.5 });
  });

  it("filters on tags, result fields and params; refuses an unknown sort column", () => {
    expect(resultsTable(info, { filter: parseFilter('model in ["c", "d"]') }).rows.map((r) => r.job)).toEqual(["m.Eval/2"]);
    expect(resultsTable(info, { filter: parseFilter("score.top5 = 0.9 and k = 1") }).rows.map((r) => r.job)).toEqual(["m.Eval/1"]);
    expect(() => resultsTable(info, { sort: "nope" })).toThrow(/no column 'nope'/);
    expect(() => resultsTable({ ...info, jobs: [{ ...info.jobs[0]!, resultsFile: undefined }] })).toThrow(/declares a result file/);
  });
});

describe("the processes of a job", () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL")));

  it("finds the job script by its folder and name, and trusts a recorded pid only when it runs there", async () => {
    const dir = scratch();
    const job = join(dir, "job");
    mkdirSync(job);
    // Not `sleep 30`: the runner tests look for stray ones of theirs by that command line.
    writeFileSync(join(job, "Step.sh"), "sleep 41\n");
    const script = spawn("bash", ["Step.sh"], { cwd: job, stdio: "ignore", detached: true });
    const elsewhere = spawn("sleep", ["41"], { cwd: dir, stdio: "ignore" });
    children.push(script, elsewhere);
    await new Promise((r) => setTimeout(r, 300));
    expect(scriptProcesses(job, "Step")).toEqual([script.pid]);
    expect(scriptProcesses(job, "Other")).toEqual([]);
    writeFileSync(join(job, "Step.pid"), `${script.pid}\n`);
    expect(recordedProcess(job, "Step", [])).toBe(script.pid);
    writeFileSync(join(job, "Step.pid"), JSON.stringify({ type: "local", pid: elsewhere.pid }));
    expect(recordedProcess(job, "Step", [])).toBeUndefined();
    writeFileSync(join(job, "Step.pid"), JSON.stringify({ type: "slurm", pid: "12" }));
    expect(recordedProcess(job, "Step", [])).toBeUndefined();
    process.kill(-script.pid!, "SIGKILL");
    elsewhere.kill("SIGKILL");
  });
});
