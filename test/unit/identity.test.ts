/**
 * Identity as experimaestro's: paths never hashed (and refused inside containers), ints as
 * int64, float() for `any`, null refused in required params, and two submissions that differ
 * only by a path refused instead of merged into one job.
 */
import { describe, expect, it } from "vitest";
import {
  Helper,
  PathRef,
  XpmError,
  defineConfig,
  defineTask,
  float,
  identifierHex,
  meta,
  param,
  pathGen,
  pathType,
  z,
  type Diagnostic,
} from "../../src/index.ts";

function errorsOf(fn: () => unknown): Diagnostic[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof XpmError) return e.diagnostics;
    throw e;
  }
  throw new Error("no error");
}

describe("paths are never hashed", () => {
  const Plain = defineConfig("id.Plain", { k: param(z.int()) });
  it("a path param, an optional one, one with a default and a meta one hash as if absent", () => {
    const WithPaths = defineConfig("id.Plain", {
      k: param(z.int()),
      src: param(pathType()),
      opt: param(pathType().optional()),
      dflt: param(pathType(), { default: "/opt/x" }),
      cache: meta(pathType()),
    });
    const plain = identifierHex(Plain.create({ k: 3 }));
    expect(identifierHex(WithPaths.create({ k: 3, src: "/a", opt: "/b", dflt: "/c", cache: "/d" }))).toBe(plain);
    expect(identifierHex(WithPaths.create({ k: 3, src: "rel/a", cache: "/e" }))).toBe(plain);
  });

  it("a path inside a list, dict or any of a hashed param is refused at creation (XPM205)", () => {
    const Lists = defineConfig("id.Lists", {
      srcs: param(z.array(pathType())),
      files: param(z.record(z.string(), pathType()), { default: {} }),
      anything: param(z.any(), { default: 0 }),
    });
    expect(() => Lists.create({ srcs: [] })).not.toThrow();
    const [list] = errorsOf(() => Lists.create({ srcs: ["/l/a", "/l/b"] }));
    expect(list!.code).toBe("XPM205");
    expect(list!.where?.path).toBe("id.Lists.srcs.0");
    expect(list!.hint).toContain("configs");
    expect(errorsOf(() => Lists.create({ srcs: [], files: { main: "/f" } }))[0]!.where?.path).toBe("id.Lists.files.main");
    const Producer = defineTask("id.Producer", { out: pathGen("out.txt") }, { outputs: (self) => self.values.out });
    const out = Producer.create({}).values.out;
    expect(errorsOf(() => Lists.create({ srcs: [], anything: [out] }))[0]!.code).toBe("XPM205");
  });

  it("a meta param may hold a list of paths", () => {
    const Meta = defineConfig("id.Meta", { k: param(z.int()), inputs: meta(z.array(pathType()), { default: [] }) });
    expect(identifierHex(Meta.create({ k: 1, inputs: ["/a", "/b"] }))).toBe(identifierHex(Meta.create({ k: 1 })));
  });
});

describe("ints are int64, floats in any are explicit", () => {
  const Big = defineConfig("id.Big", { n: param(z.int()) });
  const Box = defineConfig("id.Box", { x: param(z.any()) });

  it("an int param takes a bigint up to 2^63-1, and a safe number equal to it hashes the same", () => {
    expect(identifierHex(Big.create({ n: 12n as never }))).toBe(identifierHex(Big.create({ n: 12 })));
    expect(() => Big.create({ n: (2n ** 63n - 1n) as never })).not.toThrow();
    expect(() => Big.create({ n: -(2n ** 63n) as never })).not.toThrow();
  });

  it("beyond int64, or an unsafe JS number, is refused at creation (XPM206)", () => {
    for (const n of [2n ** 63n, -(2n ** 63n) - 1n, 2 ** 60]) {
      const [d] = errorsOf(() => Big.create({ n: n as never }));
      expect(d!.code).toBe("XPM206");
      expect(d!.where?.path).toBe("id.Big.n");
    }
    expect(errorsOf(() => Box.create({ x: [2n ** 64n] }))[0]!.code).toBe("XPM206");
    expect(errorsOf(() => Box.create({ x: 1e21 }))[0]!.hint).toContain("float(x)");
  });

  it("zod refinements still apply to bigints", () => {
    const Small = defineConfig("id.Small", { n: param(z.int().max(100)) });
    expect(errorsOf(() => Small.create({ n: 2n ** 60n as never }))[0]!.code).toBe("XPM201");
    expect(() => Small.create({ n: 7n as never })).not.toThrow();
  });

  it("in an any param, 3 is an int and float(3) a float", () => {
    expect(identifierHex(Box.create({ x: 3 }))).not.toBe(identifierHex(Box.create({ x: float(3) })));
    expect(identifierHex(Box.create({ x: float(2.5) }))).toBe(identifierHex(Box.create({ x: 2.5 })));
    expect(identifierHex(Box.create({ x: 2n ** 60n }))).not.toBe(identifierHex(Box.create({ x: float(2 ** 60) })));
  });

  it("a bigint reaches the command and params.json with every digit", () => {
    const Count = defineTask("id.Count", { n: param(z.int()) }, { command: (p) => ["count", p.n] });
    const helper = new Helper("xp");
    helper.submit(Count.create({ n: (2n ** 60n + 7n) as never }));
    const [job] = helper.tasks();
    expect(job!.command).toEqual(["count", "1152921504606846983"]);
    expect(job!.params).toContain('"n": 1152921504606846983');
  });
});

describe("null in a required param", () => {
  it("is refused at creation and by set (XPM207); an optional param takes it", () => {
    const Box = defineConfig("id.Box", { x: param(z.any()), y: param(z.int().nullable()) });
    const [d] = errorsOf(() => Box.create({ x: null }));
    expect(d!.code).toBe("XPM207");
    expect(d!.where?.path).toBe("id.Box.x");
    const box = Box.create({ x: 1, y: null });
    expect(errorsOf(() => box.set("x", null))[0]!.code).toBe("XPM207");
  });
});

describe("two submissions that differ only by a path", () => {
  const Learn = defineTask(
    "id.Learn",
    { lr: param(z.number()), model: pathGen("model.bin") },
    { command: (p) => ["learn", p.lr, p.model], outputs: (self) => ({ model: self.values.model }) },
  );
  const Evaluate = defineTask("id.Evaluate", { model: param(pathType()) }, { command: (p) => ["eval", p.model] });

  it("are one job when the paths are equal, with the producer as a dependency", () => {
    const helper = new Helper("xp");
    const { model } = helper.submit(Learn.create({ lr: 0.1 })) as { model: PathRef };
    helper.submit(Evaluate.create({ model }));
    helper.submit(Evaluate.create({ model }));
    const [learn, evaluation, more] = helper.tasks();
    expect(more).toBeUndefined();
    expect(evaluation!.deps).toEqual([learn!.key]);
  });

  it("are a compile error naming both submissions and the param (XPM306)", () => {
    const helper = new Helper("xp");
    const { model: m1 } = helper.submit(Learn.create({ lr: 0.1 })) as { model: PathRef };
    const { model: m2 } = helper.submit(Learn.create({ lr: 0.2 })) as { model: PathRef };
    helper.submit(Evaluate.create({ model: m1 }));
    const [d] = errorsOf(() => helper.submit(Evaluate.create({ model: m2 })));
    expect(d!.code).toBe("XPM306");
    expect(d!.message).toContain("submissions #3 and #4");
    expect(d!.message).toContain("'model'");
    expect(d!.message).toContain(`jobs/id.learn/${identifierHex(m1.task)}/model.bin`);
    expect(d!.message).toContain(`jobs/id.learn/${identifierHex(m2.task)}/model.bin`);
    expect(d!.hint).toContain("Checkpoint.create({ path");
  });

  it("are found inside sub-configs too", () => {
    const Data = defineConfig("id.Data", { root: param(pathType()), split: param(z.string()) });
    const Fit = defineTask("id.Fit", { data: param(Data) }, { command: () => ["fit"] });
    const helper = new Helper("xp");
    helper.submit(Fit.create({ data: Data.create({ root: "/a", split: "train" }) }));
    const [d] = errorsOf(() => helper.submit(Fit.create({ data: Data.create({ root: "/b", split: "train" }) })));
    expect(d!.code).toBe("XPM306");
    expect(d!.message).toContain("'data.root'");
  });

  /** A Train task whose output is a Checkpoint config holding its model path, and a Score over it. */
  function checkpointTasks() {
    const Checkpoint = defineConfig("id.Checkpoint", { path: meta(pathType()), lr: param(z.number()) });
    const Train = defineTask(
      "id.Train",
      { lr: param(z.number()), model: pathGen("model.bin") },
      { command: (p) => ["train", p.model], outputs: (self) => Checkpoint.create({ path: self.values.model, lr: self.values.lr }) },
    );
    const Score = defineTask("id.Score", { checkpoint: param(Checkpoint) }, { command: () => ["score"] });
    return { Checkpoint, Train, Score };
  }

  it("are distinct jobs when the producer returns a config holding the path", () => {
    const { Train, Score } = checkpointTasks();
    const helper = new Helper("xp");
    for (const lr of [0.1, 0.2]) helper.submit(Score.create({ checkpoint: helper.submit(Train.create({ lr })) as never }));
    const jobs = helper.tasks();
    expect(jobs.map((j) => j.taskId)).toEqual(["id.Train", "id.Score", "id.Train", "id.Score"]);
    expect(jobs[1]!.key).not.toBe(jobs[3]!.key);
    expect(jobs[3]!.deps).toEqual([jobs[2]!.key]);
  });

  it("carry the producer's tags to the jobs that use them (experimaestro's tag walk enters the task)", () => {
    const { Checkpoint, Train, Score } = checkpointTasks();
    const helper = new Helper("xp");
    const checkpoint = helper.submit(Train.create({ lr: 0.1 }).tag("lr", 0.1).tag("run", "a"));
    helper.submit(Score.create({ checkpoint }).tag("run", "b"));
    const [train, score] = helper.tasks();
    expect(train!.tags).toEqual({ lr: 0.1, run: "a" });
    // The consumer's own tag wins over the producer's.
    expect(score!.tags).toEqual({ lr: 0.1, run: "b" });
    // A job over several runs gets the tags they agree on, not the last run's.
    const Compare = defineTask("id.Compare", { checkpoints: param(z.array(Checkpoint.schema)) }, { command: () => ["compare"] });
    const other = helper.submit(Train.create({ lr: 0.2 }).tag("lr", 0.2).tag("run", "a"));
    helper.submit(Compare.create({ checkpoints: [checkpoint, other] }));
    expect(helper.tasks().find((j) => j.taskId === "id.Compare")!.tags).toEqual({ run: "a" });
  });

  it("meta values may differ: the first submission's are kept", () => {
    const Run = defineTask("id.Run", { n: param(z.int()), device: meta(z.string(), { default: "cpu" }) }, { command: () => ["run"] });
    const helper = new Helper("xp");
    const first = helper.submit(Run.create({ n: 1 }));
    expect(helper.submit(Run.create({ n: 1, device: "gpu" }))).toBe(first);
  });
});
