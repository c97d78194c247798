/** Declarations and construction: validation errors name the type and the param path. */
import { describe, expect, it } from "vitest";
import { Helper, PathRef, XpmError, constant, defineConfig, defineTask, identifierHex, meta, param, pathGen, pathType, z } from "../../src/index.ts";

const Model = defineConfig("t.Model", { hidden: param(z.int()), act: param(z.enum(["relu", "tanh"]), { default: "relu" }) });
const Learn = defineTask(
  "t.learn.Learn",
  {
    model: param(Model),
    lr: param(z.number()),
    device: meta(z.string(), { default: "cpu" }),
    version: constant(2, z.int()),
    ckpt: pathGen("ckpt.bin"),
  },
  { command: (p) => ["learn", p.lr, p.ckpt], outputs: (self) => ({ ckpt: self.values.ckpt }) },
);
const Eval = defineTask("t.Eval", { ckpt: param(pathType()), tag: param(z.string().optional()) }, { command: (p) => ["eval", p.ckpt] });

function errorsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof XpmError) return e.diagnostics;
    throw e;
  }
  throw new Error("no error");
}

describe("config construction", () => {
  it("reports a wrong type with the type id and the param path", () => {
    const [d] = errorsOf(() => Model.create({ hidden: 1.5 }));
    expect(d!.code).toBe("XPM201");
    expect(d!.message).toContain("t.Model: param 'hidden' expected int");
    expect(d!.where?.path).toBe("t.Model.hidden");
  });

  it("reports missing, unknown (with did-you-mean) and read-only params together", () => {
    const ds = errorsOf(() => Learn.create({ modle: Model.create({ hidden: 1 }), lr: 0.1, version: 3 } as never));
    expect(ds.map((d) => d.code).sort()).toEqual(["XPM202", "XPM203", "XPM203"]);
    expect(ds.find((d) => d.message.includes("'modle'"))!.hint).toContain("did you mean 'model'?");
    expect(ds.find((d) => d.code === "XPM202")!.message).toContain("required param 'model' is missing");
    expect(ds.find((d) => d.message.includes("version"))!.message).toContain("is a constant and cannot be set");
  });

  it("rejects a config of the wrong type for a sub-config param", () => {
    const Other = defineConfig("t.Other", {});
    const [d] = errorsOf(() => Learn.create({ model: Other.create({}) as never, lr: 1 }));
    expect(d!.message).toContain("expected a t.Model config");
  });
});

describe("identifiers", () => {
  const model = Model.create({ hidden: 8 });
  it("meta params never change the identifier; params and constants do", () => {
    const a = Learn.create({ model, lr: 0.1 });
    const b = Learn.create({ model, lr: 0.1, device: "cuda:0" });
    const c = Learn.create({ model, lr: 0.2 });
    expect(identifierHex(a)).toBe(identifierHex(b));
    expect(identifierHex(a)).not.toBe(identifierHex(c));
    const Learn3 = defineTask("t.learn.Learn", { ...Learn.params, version: constant(3, z.int()) }, {});
    expect(identifierHex(Learn3.create({ model, lr: 0.1 }))).not.toBe(identifierHex(a));
  });

  it("a float param equal to an integer is still encoded as a float", () => {
    const F = defineConfig("t.F", { x: param(z.number()) });
    const I = defineConfig("t.F", { x: param(z.int()) });
    expect(identifierHex(F.create({ x: 1 }))).not.toBe(identifierHex(I.create({ x: 1 })));
  });

  it("tags never change identifiers", () => {
    expect(identifierHex(Model.create({ hidden: 3 }).tag("size", "small"))).toBe(identifierHex(Model.create({ hidden: 3 })));
  });

  it("a path output makes a dependency but, paths being unhashed, not a different identifier", () => {
    const helper = new Helper("xp");
    const { ckpt } = helper.submit(Learn.create({ model, lr: 0.1 })) as { ckpt: PathRef };
    const { ckpt: other } = helper.submit(Learn.create({ model, lr: 0.2 })) as { ckpt: PathRef };
    expect(ckpt).toBeInstanceOf(PathRef);
    expect(identifierHex(Eval.create({ ckpt }))).toBe(identifierHex(Eval.create({ ckpt: other })));
    helper.submit(Eval.create({ ckpt }));
    const [l1, , e] = helper.tasks();
    expect(e!.deps).toEqual([l1!.key]);
    expect(e!.command).toEqual(["eval", { jobFile: { job: l1!.key, rel: "ckpt.bin" } }]);
  });

  it("submitting the same identifier twice yields one job", () => {
    const helper = new Helper("xp");
    const first = helper.submit(Learn.create({ model, lr: 0.5 }));
    const second = helper.submit(Learn.create({ model: Model.create({ hidden: 8 }), lr: 0.5, device: "gpu" }));
    expect(helper.tasks()).toHaveLength(1);
    expect(second).toBe(first);
  });

  it("a task that is only configured (not submitted) creates no dependency", () => {
    const Wrap = defineTask("t.Wrap", { inner: param(Learn) }, { command: () => ["true"] });
    const helper = new Helper("xp");
    helper.submit(Wrap.create({ inner: Learn.create({ model, lr: 0.3 }) }));
    expect(helper.tasks()[0]!.deps).toEqual([]);
    const h2 = new Helper("xp");
    const inner = Learn.create({ model, lr: 0.3 });
    h2.submit(inner);
    h2.submit(Wrap.create({ inner }));
    expect(h2.tasks()[1]!.deps).toEqual([h2.tasks()[0]!.key]);
  });
});

describe("params.json", () => {
  it("has sorted keys, sub-configs with type and id, and job-relative paths", () => {
    const helper = new Helper("xp");
    const { ckpt } = helper.submit(Learn.create({ model: Model.create({ hidden: 4 }), lr: 0.1 })) as { ckpt: PathRef };
    helper.submit(Eval.create({ ckpt }));
    const [learn, evaluation] = helper.tasks();
    const p = JSON.parse(learn!.params!) as { params: Record<string, unknown> };
    expect(Object.keys(p.params)).toEqual(["$type", "$id", "ckpt", "device", "lr", "model", "version"]);
    expect(p.params.ckpt).toBe("ckpt.bin");
    expect((p.params.model as Record<string, unknown>).$type).toBe("t.Model");
    const e = JSON.parse(evaluation!.params!) as { params: Record<string, unknown> };
    expect(e.params.ckpt).toBe(`../../${learn!.key}/ckpt.bin`);
  });
});
