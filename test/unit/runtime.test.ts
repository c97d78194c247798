/**
 * The pieces of execute tasks that need no job: params.json read back (int64 exactly, values by
 * their declared types), errors as `.err` shows them, the source map trimmed to the project's
 * code, declarations found in their module, and the progress file.
 */
import { SourceMap } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { Helper, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "../../src/index.ts";
import { paramsJson } from "../../src/evaluate/params-json.ts";
import { keepSources } from "../../src/load/sourcemap.ts";
import { describeError } from "../../src/runtime/errors.ts";
import { parseJson } from "../../src/runtime/json.ts";
import { Decoder, RuntimeError } from "../../src/runtime/values.ts";
import { ProgressFile } from "../../src/runtime/context.ts";
import { readProgress } from "../../src/model/workspace.ts";

describe("params.json read back", () => {
  it("parses as JSON.parse does, with integers beyond 2^53 as exact bigints", () => {
    const text = '{"a": [1, -2.5e3, true, null, "x\\"y\\u00e9"], "big": 1152921504606846977, "neg": -9223372036854775808, "f": 1e300, "__proto__": 1}';
    const v = parseJson(text) as Record<string, unknown>;
    expect(v.a).toEqual([1, -2500, true, null, 'x"yé']);
    expect(v.big).toBe(1152921504606846977n);
    expect(v.neg).toBe(-9223372036854775808n);
    expect(v.f).toBe(1e300);
    expect(Object.keys(v)).toContain("__proto__");
    expect(() => parseJson('{"a": 1,}')).toThrow(SyntaxError);
    expect(() => parseJson("[1] 2")).toThrow(/unexpected text/);
  });

  it("rebuilds the values a job's function gets, by the declared types", () => {
    const Inner = defineConfig("rt.Inner", { k: param(z.int()), own: pathGen("inner.txt") });
    const Src = defineTask("rt.Src", { out: pathGen("src.bin") }, { command: () => ["true"] });
    const T = defineTask("rt.T", {
      inner: param(Inner),
      src: param(Src),
      paths: meta(z.array(pathType())),
      byName: param(z.map(z.string(), z.set(z.int()))),
      byKey: param(z.map(z.int(), z.string())),
      rec: param(z.record(z.string(), z.number())),
      big: param(z.bigint()),
      opt: param(z.number().optional()),
      out: pathGen("out.txt"),
    }, { command: () => ["true"] });
    const helper = new Helper("rt");
    const src = Src.create({});
    helper.submit(src);
    const task = T.create({ inner: Inner.create({ k: 2 }), src, paths: [src.values.out, "/abs/file", "rel/file"], byName: new Map([["a", new Set([1, 2])]]), byKey: new Map([[3, "three"]]), rec: { x: 0.5 }, big: 2n ** 62n });
    const submitted = helper.submit(task);
    expect(submitted).toBe(task);
    const record = helper.tasks().find((t) => t.taskId === "rt.T")!;
    const doc = parseJson(record.params!) as { identifier: string; params: Record<string, unknown> };
    const jobDir = `/ws/${record.jobPath}`;
    const v = new Decoder(jobDir, "/ws", doc.identifier).config(doc.params, "params") as Record<string, any>;
    const srcDir = `/ws/${helper.tasks()[0]!.jobPath}`;
    expect(v.$type).toBe("rt.T");
    expect(Object.keys(v)).not.toContain("$type");
    expect(v.inner).toEqual({ k: 2, own: `${jobDir}/inner.txt` });
    expect(v.inner.$type).toBe("rt.Inner");
    expect(v.src).toEqual({ out: `${srcDir}/src.bin` });
    expect(v.paths).toEqual([`${srcDir}/src.bin`, "/abs/file", `${jobDir}/rel/file`]);
    expect(v.byName).toEqual(new Map([["a", new Set([1, 2])]]));
    expect(v.byKey).toEqual(new Map([[3, "three"]]));
    expect(v.rec).toEqual({ x: 0.5 });
    expect(v.big).toBe(2n ** 62n);
    expect(v.opt).toBeNull();
    expect(v.out).toBe(`${jobDir}/out.txt`);
    expect(() => new Decoder(jobDir, "/ws", "x").config({ $type: "rt.Nobody", $id: "0" }, "params")).toThrow(RuntimeError);
  });

  it("a reference cycle ($ref) comes back as the same object", () => {
    const Node = defineConfig("rt.Node", { name: param(z.string()), next: param(z.any().optional()) });
    const a = Node.create({ name: "a" }, { partial: true });
    const b = Node.create({ name: "b", next: a });
    a.set("next", b);
    const T = defineTask("rt.Cycle", { head: meta(Node) }, { command: () => ["true"] });
    const t = T.create({ head: a });
    const doc = parseJson(paramsJson(t, () => undefined, "jobs/rt.cycle/x")) as { identifier: string; params: Record<string, unknown> };
    const v = new Decoder("/j", "/ws", doc.identifier).config(doc.params, "params") as Record<string, any>;
    expect(v.head.name).toBe("a");
    expect(v.head.next.name).toBe("b");
    expect(v.head.next.next).toBe(v.head);
  });
});

describe("an execute task's declaration", () => {
  it("knows its module, and refuses a command with an execute function", () => {
    const T = defineTask("rt.Declared", {}, { execute: () => {} });
    expect(T.declaredIn).toBe(fileURLToPath(import.meta.url));
    expect(() => defineTask("rt.Both", {}, { command: () => ["true"], execute: () => {} })).toThrow(/both a command and an execute function/);
  });

  it("submitting it notes its module and the modules of the configs in its params", () => {
    const C = defineConfig("rt.InParams", { x: param(z.int()) });
    const T = defineTask("rt.Exec", { c: param(C) }, { execute: () => {} });
    const helper = new Helper("rt");
    helper.submit(T.create({ c: C.create({ x: 1 }) }));
    expect(helper.executeModules()).toEqual([fileURLToPath(import.meta.url)]);
    expect(helper.tasks()[0]!.command).toEqual(["bash", { asset: "experimaestro:tasks-bundle", member: "node.sh" }, { asset: "experimaestro:tasks-bundle", member: "tasks.mjs" }, "rt.Exec"]);
  });
});

describe("a failure as <name>.err shows it", () => {
  const bundle = "/ws/assets/0123456789abcdef";
  it("names bundled sources by their labels, drops the runtime's and Node's frames, finds the project's frame", () => {
    const e = new Error("boom");
    e.stack = [
      "Error: boom",
      `    at helper (${bundle}/node_modules/zod/v4/core/util.js:10:5)`,
      `    at explode (${bundle}/src/lib.ts:3:9)`,
      `    at Object.execute (file://${bundle}/src/tasks.ts:20:7)`,
      `    at main (${bundle}/experimaestro-ts/src/runtime/main.ts:90:5)`,
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ].join("\n");
    const d = describeError(e, bundle);
    expect(d.text).toBe(["Error: boom", "    at helper (node_modules/zod/v4/core/util.js:10:5)", "    at explode (src/lib.ts:3:9)", "    at Object.execute (src/tasks.ts:20:7)"].join("\n"));
    expect(d.where).toBe("src/lib.ts:3:9");
    expect(describeError("just a string", bundle)).toEqual({ text: "a non-error value was thrown: just a string", where: undefined, message: "just a string" });
  });
});

describe("the bundle's source map", () => {
  it("keeps the mappings of the sources kept, and maps the others' code to nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xpm-map-"));
    try {
      const r = await build({
        entryPoints: [fileURLToPath(new URL("../../examples/grid/tasks.ts", import.meta.url))],
        bundle: true,
        format: "esm",
        platform: "node",
        write: false,
        outdir: dir,
        sourcemap: "external",
        sourcesContent: false,
      });
      const original = JSON.parse(r.outputFiles.find((f) => f.path.endsWith(".map"))!.text);
      const keep = (s: string) => !s.includes("node_modules/");
      const trimmed = keepSources(original, keep);
      expect(trimmed.sources.length).toBeLessThan(original.sources.length);
      expect(trimmed.sources.every(keep)).toBe(true);
      expect(trimmed.mappings.length).toBeLessThan(original.mappings.length / 2);
      const [a, b] = [new SourceMap(original), new SourceMap(trimmed as never)];
      const lines = original.mappings.split(";").length;
      let compared = 0;
      for (let line = 0; line < lines; line++) {
        for (const column of [0, 2, 8, 20, 60]) {
          const x = a.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number };
          const y = b.findEntry(line, column) as typeof x;
          if (x.originalSource && keep(x.originalSource)) {
            expect([y.originalSource, y.originalLine, y.originalColumn]).toEqual([x.originalSource, x.originalLine, x.originalColumn]);
            compared++;
          } else expect(y.originalSource).toBeUndefined();
        }
      }
      expect(compared).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("progress", () => {
  it("<name>.progress is written at most twice a second, the last value always", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xpm-progress-"));
    try {
      const p = new ProgressFile(dir, "train");
      p.report(0.1, "first");
      p.report(0.2, "second");
      const read = () => readProgress(dir, { dir: "", name: "train" });
      expect(read()).toMatchObject({ fraction: 0.1, message: "first" });
      p.report(7, "clamped");
      p.flush();
      expect(read()).toMatchObject({ fraction: 1, message: "clamped" });
      expect(JSON.parse(readFileSync(join(dir, "train.progress"), "utf8")).time).toMatch(/^20\d\d-\d\d-\d\dT.*Z$/);
      expect(() => p.report(Number.NaN)).toThrow(TypeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
