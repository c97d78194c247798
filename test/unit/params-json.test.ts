/**
 * params.json: the direct printer writes exactly what JSON.stringify(document, null, 2) writes,
 * on the values a researcher may pass: nested configs, lists, sets, maps with number keys,
 * records with integer-like keys (JavaScript orders those first), odd numbers and strings,
 * paths into other jobs, cycles, empty containers and tags.
 */
import { describe, expect, it } from "vitest";
import { paramsJson } from "../../src/evaluate/params-json.ts";
import { paramsDocument, paramsText } from "./params-reference.ts";
import { Helper, defineConfig, defineTask, float, param, pathGen, pathType, z, type ConfigInstance } from "../../src/index.ts";

const Inner = defineConfig("pj.Inner", { x: param(z.any()), out: pathGen("inner.txt") });
const Producer = defineTask("pj.Producer", { n: param(z.int()), result: pathGen("result.bin") }, { command: () => ["produce"], outputs: (self) => ({ result: self.values.result }) });
const Consumer = defineTask(
  "pj.Consumer",
  { anything: param(z.any()), inner: param(Inner), list: param(z.array(Inner.schema)), input: param(pathType()), own: pathGen("own.txt") },
  { command: () => ["consume"] },
);

const reference = (c: ConfigInstance, keyOf: (t: ConfigInstance) => string | undefined) => paramsText(paramsDocument(c, keyOf, "jobs/pj.consumer/abcd"));

describe("params.json printer", () => {
  const helper = new Helper("pj");
  const producer = helper.submit(Producer.create({ n: 3 })) as { result: unknown };
  const keyOf = (t: ConfigInstance) => helper.keyOf(t);
  const values: [string, unknown][] = [
    ["numbers", [0, -0, 1.5e-7, float(1e21), float(123456789012345680000), float(3), Number.NaN, Number.POSITIVE_INFINITY, 2n ** 60n + 7n, -(2n ** 63n), -3]],
    ["strings", ["", 'quote " and \\ back', "tab\tnew\nline", "é ü 中文 🎉", "\u2028\u2029", "\ud800 lone", "'; rm -rf ~; '"]],
    ["booleans and nulls", [true, false, null, undefined]],
    ["record with integer-like keys", { b: 1, 10: "ten", 9: "nine", a: { 2: [], 1: {} }, "01": "not an index", 4294967295: "too big" }],
    ["map with number keys", new Map<unknown, unknown>([[10, "a"], [2, "b"], ["x", new Set([1, 2])]])],
    ["nested empties", { list: [], obj: {}, set: new Set(), map: new Map(), deep: [[[]], [{}]] }],
    ["configs inside containers", { cfg: Inner.create({ x: [1, { y: 2 }] }), many: [Inner.create({ x: "a" }), Inner.create({ x: [null] })] }],
    ["functions and symbols", { f: () => 1, s: Symbol("s"), list: [() => 1, Symbol("t")], kept: 1 }],
    ["a date", new Date(0)],
  ];
  for (const [name, anything] of values) {
    it(name, () => {
      const c = Consumer.create({ anything, inner: Inner.create({ x: anything }), list: [Inner.create({ x: 1 })], input: producer.result as never });
      c.tag("b-tag", 1).tag("10", true).tag("a", "x y");
      expect(paramsJson(c, keyOf, "jobs/pj.consumer/abcd")).toBe(reference(c, keyOf));
    });
  }

  it("a config that reaches itself prints a $ref", () => {
    const inner = Inner.create({ x: 1 }, { partial: true } as never);
    inner.set("x", { back: inner });
    const c = Consumer.create({ anything: 0, inner, list: [], input: producer.result as never });
    const text = paramsJson(c, keyOf, "jobs/pj.consumer/abcd");
    expect(text).toContain('"$ref"');
    expect(text).toBe(reference(c, keyOf));
  });
});
