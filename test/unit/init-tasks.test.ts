/**
 * Init tasks and lightweight tasks (experimaestro-demo's pattern), and the checks around them:
 * a lightweight task without code (XPM210), wrong `initTasks` entries (XPM310), a task that
 * depends on itself (XPM311), a project file given to a path param (XPM211).
 */
import { describe, expect, it } from "vitest";
import { Helper, XpmError, asset, defineConfig, defineTask, identifierHex, meta, param, pathGen, pathType, z, type ConfigInstance } from "../../src/index.ts";
import type { TaskInstance } from "../../src/model/plan.ts";

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof XpmError) return e.diagnostics[0]!;
    throw e;
  }
  throw new Error("no error");
}

// The demo, as in the README: Learn returns a lightweight loader (its output, so marked by Learn); Evaluate runs it first.
const Model = defineConfig("demo.Model", { hidden: param(z.int()) });
const Loader = defineTask("demo.ParameterLoader", { model: param(Model), path: meta(pathType()), into: pathGen("parameters.bin") }, {
  lightweight: true,
  command: (p) => ["cp", p.path, p.into],
});
const Learn = defineTask("demo.Learn", { model: param(Model), parameters: pathGen("parameters.bin") }, {
  command: (p) => ["learn", p.parameters],
  outputs: (self) => Loader.create({ model: self.values.model, path: self.values.parameters }),
});
const Evaluate = defineTask("demo.Evaluate", { model: param(Model), results: pathGen("results.csv") }, { command: (p) => ["evaluate", p.results] });

function demo(): { helper: Helper; learn: TaskInstance; evaluate: TaskInstance } {
  const helper = new Helper("demo");
  const model = Model.create({ hidden: 64 });
  const loader = helper.submit(Learn.create({ model })) as ConfigInstance;
  helper.submit(Evaluate.create({ model }), { initTasks: [loader] });
  const [learn, evaluate] = helper.tasks();
  return { helper, learn: learn!, evaluate: evaluate! };
}

describe("init tasks", () => {
  it("run before the task in its job, make it depend on the producer, and enter its identifier", () => {
    const { learn, evaluate } = demo();
    expect(evaluate.deps).toEqual([learn.key]);
    expect(evaluate.initCommands).toEqual([["cp", { jobFile: { job: learn.key, rel: "parameters.bin" } }, { jobFile: { job: evaluate.key, rel: "parameters.bin" } }]]);
    expect(evaluate.command[0]).toBe("evaluate");
    const alone = identifierHex(Evaluate.create({ model: Model.create({ hidden: 64 }) }));
    expect(evaluate.hash).not.toBe(alone);
  });

  it("write into the job they run in through their own path generators", () => {
    const Fetch = defineTask("demo.Fetch", { data: pathGen("data.bin") }, { lightweight: true, command: (p) => ["fetch", p.data] });
    const helper = new Helper("demo");
    helper.submit(Evaluate.create({ model: Model.create({ hidden: 1 }) }), { initTasks: [Fetch.create({})] });
    const [job] = helper.tasks();
    expect(job!.initCommands[0]![1]).toEqual({ jobFile: { job: job!.key, rel: "data.bin" } });
  });
});

describe("declaration and submission checks", () => {
  it("refuses a lightweight task without code where it is declared", () => {
    const d = errorOf(() => defineTask("x.Loader", { n: param(z.int()) }, { lightweight: true }));
    expect(d.code).toBe("XPM210");
    expect(d.message).toBe("x.Loader is declared lightweight but has no command: as an init task it would run nothing");
    const c = errorOf(() => defineConfig("x.Loader2", {}, { kind: "lightweight" }));
    expect(c.code).toBe("XPM210");
    expect(c.hint).toContain("defineConfig has no code to run");
  });

  it("refuses init tasks that are not lightweight configs, naming the entry", () => {
    const plain = errorOf(() => new Helper("x").submit(Evaluate.create({ model: Model.create({ hidden: 1 }) }), { initTasks: [Model.create({ hidden: 2 })] }));
    expect([plain.code, plain.message]).toEqual(["XPM310", "helper.submit(demo.Evaluate): initTasks[0] is a demo.Model config, not a lightweight config"]);
    const task = errorOf(() => new Helper("x").submit(Evaluate.create({ model: Model.create({ hidden: 1 }) }), { initTasks: [Learn.create({ model: Model.create({ hidden: 1 }) })] }));
    expect(task.message).toContain("initTasks[0] is a demo.Learn task");
    expect(task.hint).toContain("submit demo.Learn with helper.submit()");
  });

  it("refuses a task whose params hold itself, its outputs or its own job's files", () => {
    const Step = defineTask("x.Step", { prev: param(z.any().optional()), input: meta(pathType().optional()), out: pathGen("out") }, { command: () => ["step"] });
    const itself = Step.create({}, { partial: true });
    itself.set("prev", { list: [itself] });
    expect(errorOf(() => new Helper("x").submit(itself)).message).toBe("x.Step depends on itself: 'prev.list.0' holds the task itself");
    const ownFile = Step.create({});
    ownFile.set("input", ownFile.values.out);
    const d = errorOf(() => new Helper("x").submit(ownFile));
    expect([d.code, d.message]).toEqual(["XPM311", "x.Step depends on itself: 'input' holds a path of its own job (out)"]);
    const Into = defineTask("x.Into", { into: meta(pathType()) }, { lightweight: true, command: (p) => ["fetch", p.into] });
    const step = Step.create({});
    const init = errorOf(() => new Helper("x").submit(step, { initTasks: [Into.create({ into: step.values.out })] }));
    expect(init.message).toBe("x.Step depends on itself: 'initTasks.0.into' holds a path of its own job (out)");
    expect(init.hint).toContain("a pathGen(\"...\") param of the init task itself");
  });

  it("says how to ship a project file given to a path param", () => {
    const d = errorOf(() => Evaluate.create({ model: Model.create({ hidden: 1 }) }) && Loader.create({ model: Model.create({ hidden: 1 }), path: asset(new URL("./data.csv", import.meta.url)) as never }));
    expect(d.code).toBe("XPM211");
    expect(d.message).toContain("param 'path' is a path and got the project file test/unit/data.csv (an asset)");
    expect(d.hint).toContain('asset(new URL("./data.csv", import.meta.url))');
    const u = errorOf(() => Loader.create({ model: Model.create({ hidden: 1 }), path: new URL("file:///data/x.bin") as never }));
    expect(u.message).toContain("got the URL file:///data/x.bin");
    expect(u.hint).toContain("fileURLToPath(url)");
  });
});
