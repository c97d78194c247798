/**
 * Results for analysis: `loadXpInfo` and `experimaestro results` over a real run of the example
 * give the numbers of its Report job (results.md), and examples/grid/analyze.ts prints its table;
 * loadXpInfo reads experiments experimaestro ran too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadXpInfo } from "../../src/index.ts";
import { cli, ROOT, scratchFolders } from "../helpers.ts";
import { addExperimaestroRuns, inProcess } from "./inspect-helpers.ts";

const scratch = scratchFolders("xpm-results-");

type Row = { lr: number; seed: number; w: number; b: number; mse: number };

/** The rows of the Report job's results.md: `| lr | seed | w | b | test MSE |`, best first. */
function reportRows(ws: string): Row[] {
  const dir = join(ws, "jobs/grid.report");
  const table = readFileSync(join(dir, readdirSync(dir)[0]!, "results.md"), "utf8");
  return table
    .split("\n")
    .filter((l) => /^\| \d/.test(l))
    .map((l) => {
      const [lr, seed, w, b, mse] = l.split("|").slice(1, 6).map((c) => Number(c.trim())) as [number, number, number, number, number];
      return { lr, seed, w, b, mse };
    });
}

/** The same numbers, at the report's precision. */
const rounded = (r: Row) => ({ lr: r.lr, seed: r.seed, w: r.w.toFixed(4), b: r.b.toFixed(4), mse: r.mse.toFixed(6) });

describe("results of the example", () => {
  let ws = "";
  beforeAll(() => {
    ws = scratch();
    expect(cli(["run-experiment", "examples/grid/normal", "--workdir", ws]).status).toBe(0);
  }, 120_000);

  it("experimaestro results: the report's numbers, in its order with --sort mse", async () => {
    const report = reportRows(ws);
    expect(report).toHaveLength(6);
    const r = await inProcess(["results", ws, "grid", "--format", "json", "--sort", "mse"]);
    expect(r).toMatchObject({ status: 0, stderr: "" });
    const rows = JSON.parse(r.stdout) as (Row & { job: string })[];
    expect(Object.keys(rows[0]!)).toEqual(["job", "lr", "seed", "w", "b", "mse"]);
    expect(rows.map(rounded)).toEqual(report.map(rounded));
    expect(rows.every((x) => /^grid\.Evaluate\/[0-9a-f]{8}$/.test(x.job))).toBe(true);

    const csv = (await inProcess(["results", ws, "grid", "--format", "csv", "--filter", "lr = 0.1", "--sort", "seed:desc"])).stdout.trim().split("\n");
    expect(csv[0]).toBe("job,lr,seed,w,b,mse");
    expect(csv.slice(1).map((l) => l.split(",").slice(1, 3).join(","))).toEqual(["0.1,2", "0.1,1"]);

    const md = (await inProcess(["results", ws, "grid"])).stdout.trim().split("\n");
    expect(md.slice(0, 2)).toEqual(["| job | lr | seed | w | b | mse |", "|---|---|---|---|---|---|"]);
    expect(md).toHaveLength(2 + 6);
  });

  it("the HTML report has a results section: the results command's table, every row", async () => {
    const json = JSON.parse((await inProcess(["results", ws, "grid", "--format", "json"])).stdout) as Record<string, unknown>[];
    expect(cli(["report", ws, "grid"]).status).toBe(0);
    const html = readFileSync(join(ws, "experiments/grid/report.html"), "utf8");
    const section = /<section id="results">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect([...section.matchAll(/<th data-col="([^"]*)"/g)].map((m) => m[1])).toEqual(Object.keys(json[0]!));
    const body = section.slice(section.indexOf("<tbody>"));
    const cells = [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td data-v="([^"]*)"/g)].map((c) => c[1]));
    expect(cells).toEqual(json.map((r) => Object.values(r).map(String)));
  });

  it("loadXpInfo: every job with task, identifier, state, folder, tags, params, outputs and results", () => {
    const xp = loadXpInfo(ws, "grid");
    const count = (task: string) => xp.jobs.filter((j) => j.task === task).length;
    expect([count("grid.Train"), count("grid.Evaluate"), count("grid.Report")]).toEqual([6, 6, 1]);
    // In the manifest's order: topological.
    expect(xp.jobs.every((j, i) => j.dependsOn.every((d) => xp.jobs.findIndex((x) => x.identifier === d) < i))).toBe(true);
    expect(xp.jobs).toHaveLength(13);
    expect(xp.jobs.every((j) => j.state === "done" && existsSync(j.folder) && j.folder.endsWith(j.identifier))).toBe(true);
    const evaluations = xp.jobs.filter((j) => j.task === "grid.Evaluate");
    const rows = evaluations.map((j) => ({ ...(j.tags as { lr: number; seed: number }), ...(j.results as Row) })).sort((a, b) => a.mse - b.mse);
    expect(rows.map(rounded)).toEqual(reportRows(ws).map(rounded));
    const e = evaluations[0]!;
    expect(e.resultsFile).toBe(join(e.folder, "metrics.json"));
    expect(e.outputs).toEqual({ metrics: join(e.folder, "metrics.json") });
    const train = xp.jobs.find((j) => e.dependsOn.includes(j.identifier))!;
    expect(train.task).toBe("grid.Train");
    expect(train.tags).toEqual(e.tags);
    expect(train.params).toMatchObject({ lr: e.tags.lr, seed: e.tags.seed, epochs: 200, model: "model.json" });
    expect(train.outputs).toEqual({ model: join(train.folder, "model.json") });
    expect(train.results).toBeUndefined();
    expect(xp.jobs.find((j) => j.task === "grid.Report")!.dependsOn).toHaveLength(6);
  });

  it("examples/grid/analyze.ts (the README's analysis pattern) prints the report's table", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples/grid/analyze.ts"), ws], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const dir = join(ws, "jobs/grid.report");
    const table = readFileSync(join(dir, readdirSync(dir)[0]!, "results.md"), "utf8");
    expect(r.stdout).toBe(table.slice(table.indexOf("| lr")));
  });

  it("the README shows analyze.ts as it is", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /rebuilds its Report table in ten lines:\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const script = readFileSync(join(ROOT, "examples/grid/analyze.ts"), "utf8");
    expect(block).toBe(script.slice(script.indexOf("import ")));
    expect(block!.trim().split("\n").filter((l) => l.trim()).length).toBeLessThanOrEqual(10);
  });

  it("a job that failed has no results: left out of the table, and said on stderr", async () => {
    expect(cli(["run-experiment", "examples/grid/normal", "--workdir", ws, "-c", "id=diverge", "-c", "lrs=[0.1, 5]", "-c", "seeds=[1]"]).status).toBe(1);
    const r = await inProcess(["results", ws, "diverge", "--format", "csv"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    expect(r.stderr).toBe("1 job has no results yet: 1 failed");
    expect(loadXpInfo(ws, "diverge").jobs.map((j) => `${j.task} ${j.state}`).sort()).toEqual(["grid.Evaluate done", "grid.Evaluate failed", "grid.Report blocked", "grid.Train done", "grid.Train done"]);
  }, 60_000);

  it("loadXpInfo reads an experiment experimaestro ran: its jobs, params.json and outputs", () => {
    addExperimaestroRuns(ws);
    const xp = loadXpInfo(ws, "compat-demo");
    expect(xp.jobs.map((j) => `${j.task} ${j.state}`)).toEqual(["compat.tasks.Learn done", "compat.tasks.Evaluate done"]);
    const [learn, evaluate] = xp.jobs as [(typeof xp.jobs)[0], (typeof xp.jobs)[0]];
    expect(learn.params).toEqual({ $type: "compat.tasks.Learn", $id: learn.identifier, hidden: 16, lr: 0.05, seed: 0, model: "model.txt" });
    expect(learn.outputs).toEqual({ model: join(learn.folder, "model.txt") });
    expect(evaluate.params).toMatchObject({ metric: "accuracy", checkpoint: { $type: "compat.tasks.Checkpoint", hidden: 16, path: `jobs/compat.tasks.learn/${learn.identifier}/model.txt` } });
    expect(loadXpInfo(ws, "compat-fail").jobs.map((j) => `${j.task} ${j.state} ${j.detail}`)).toEqual(["compat.tasks.Explode failed failed", "compat.tasks.ExitCode failed failed"]);
  });
});
