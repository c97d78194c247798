/**
 * The 61 reference identifiers computed by Python experimaestro, rebuilt through the public API:
 * a small loader declares each type the way a user would (defineConfig / defineTask with zod
 * types) and creates each case's values, then compares identifiers and job paths.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigInstance,
  Helper,
  defineConfig,
  defineEnum,
  defineTask,
  identifierHex,
  jobPath,
  meta,
  param,
  pathType,
  z,
  type ConfigType,
  type ParamDecl,
} from "../../src/index.ts";
import { paramsJson } from "../../src/evaluate/params-json.ts";
import { paramsDocument, paramsText } from "./params-reference.ts";

interface ParamSpec {
  type: string;
  option?: boolean;
  default?: unknown;
  default_factory?: unknown;
  ignore_default?: boolean;
}
interface TypeSpec {
  kind?: "config" | "task" | "instance" | "lightweight";
  id?: string;
  parent?: string;
  params: Record<string, ParamSpec>;
  outputs?: Record<string, unknown>;
  outputs_dep?: boolean;
}
interface CaseSpec {
  name: string;
  value: unknown;
  submit?: boolean;
  init_tasks?: unknown[];
  expected?: string;
  expected_job?: string;
}
interface Vectors {
  module: string;
  enums: Record<string, { module: string; values: string[] } | string[]>;
  types: Record<string, TypeSpec>;
  cases: CaseSpec[];
}

const vectors: Vectors = JSON.parse(readFileSync(new URL("../fixtures/identifiers.json", import.meta.url), "utf8"));

/** Splits `dict[str,list[int]]` into its outer name and top-level arguments. */
function parseType(t: string): { name: string; args: string[] } {
  const open = t.indexOf("[");
  if (open < 0) return { name: t, args: [] };
  const inner = t.slice(open + 1, -1);
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "[") depth++;
    else if (inner[i] === "]") depth--;
    else if (inner[i] === "," && depth === 0) {
      args.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(inner.slice(start).trim());
  return { name: t.slice(0, open), args };
}

const types = new Map<string, ConfigType>();
const enums = new Map<string, z.ZodType>();

function enumSchema(name: string): z.ZodType {
  let s = enums.get(name);
  if (!s) {
    const spec = vectors.enums[name]!;
    const [module, values] = Array.isArray(spec) ? [vectors.module, spec] : [spec.module, spec.values];
    s = defineEnum(`${module}.${name}`, values as [string, ...string[]]);
    enums.set(name, s);
  }
  return s;
}

function schemaOf(t: string): z.ZodType {
  const { name, args } = parseType(t);
  switch (name) {
    case "int":
      return z.int();
    case "float":
      return z.number();
    case "str":
      return z.string();
    case "bool":
      return z.boolean();
    case "path":
      return pathType();
    case "any":
      return z.any();
    case "list":
      return z.array(schemaOf(args[0]!));
    case "set":
      return z.set(schemaOf(args[0]!));
    case "dict":
      return args[0] === "int" ? z.map(z.int(), schemaOf(args[1]!)) : z.record(z.string(), schemaOf(args[1]!));
    case "optional":
      return schemaOf(args[0]!).nullable().optional();
    default:
      if (name.startsWith("enum:")) return enumSchema(name.slice(5));
      // Lazy: types may refer to each other in a cycle (CycleA <-> CycleB).
      return z.lazy(() => typeOf(name).schema);
  }
}

function declare(spec: ParamSpec): ParamDecl {
  const schema = schemaOf(spec.type);
  const opts: { default?: unknown; defaultFactory?: () => unknown; ignoreDefault?: boolean } = {};
  if ("default" in spec) opts.default = spec.default;
  if ("default_factory" in spec) opts.defaultFactory = () => spec.default_factory;
  if (spec.ignore_default) opts.ignoreDefault = true;
  return spec.option ? meta(schema, opts) : param(schema, opts);
}

function typeOf(name: string): ConfigType {
  const known = types.get(name);
  if (known) return known;
  const spec = vectors.types[name]!;
  const id = spec.id ?? `${vectors.module}.${name}`;
  const params = Object.fromEntries(Object.entries(spec.params).map(([p, s]) => [p, declare(s)]));
  const parent = spec.parent ? typeOf(spec.parent) : undefined;
  const kind = spec.kind ?? "config";
  let t: ConfigType;
  if (kind === "task" || kind === "lightweight") {
    const outputs = spec.outputs;
    t = defineTask(id, params, {
      ...(parent ? { parent } : {}),
      lightweight: kind === "lightweight",
      ...(outputs ? { outputs: (self: ConfigInstance) => build(outputs, spec.params, new Map(), self), outputsDep: spec.outputs_dep ?? true } : {}),
    });
  } else {
    t = defineConfig(id, params, { kind, ...(parent ? { parent } : {}) });
  }
  types.set(name, t);
  return t;
}

const results = new Map<string, unknown>();

/** Reads a VALUE through the declared TYPE of the param receiving it. */
function read(value: unknown, type: string, anchors: Map<string, ConfigInstance>, self?: ConfigInstance): unknown {
  if (value === null) return null;
  const { name, args } = parseType(type);
  if (typeof value === "object" && value !== null && ("$type" in value || "$ref" in value || "$self" in value)) {
    return build(value as Record<string, unknown>, {}, anchors, self);
  }
  switch (name) {
    case "list":
      return (value as unknown[]).map((v) => read(v, args[0]!, anchors, self));
    case "set":
      return new Set((value as unknown[]).map((v) => read(v, args[0]!, anchors, self)));
    case "dict": {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, read(v, args[1]!, anchors, self)] as const);
      return args[0] === "int" ? new Map(entries.map(([k, v]) => [Number(k), v])) : Object.fromEntries(entries);
    }
    case "optional":
      return read(value, args[0]!, anchors, self);
    default:
      return value;
  }
}

function paramsOf(typeName: string): Record<string, ParamSpec> {
  const spec = vectors.types[typeName]!;
  return { ...(spec.parent ? paramsOf(spec.parent) : {}), ...spec.params };
}

function build(value: unknown, _params: Record<string, ParamSpec>, anchors: Map<string, ConfigInstance>, self?: ConfigInstance): unknown {
  const obj = value as Record<string, unknown>;
  if ("$ref" in obj) {
    const ref = obj.$ref as string;
    return anchors.get(ref) ?? results.get(ref);
  }
  if ("$self" in obj) return self!.values[obj.$self as string];
  const typeName = obj.$type as string;
  const t = typeOf(typeName);
  const specs = paramsOf(typeName);
  const entries = Object.entries(obj).filter(([k]) => !k.startsWith("$"));
  if ("$id" in obj) {
    // Created first, params assigned afterwards, so they may refer back to it.
    const instance = t.create({}, { partial: true });
    anchors.set(obj.$id as string, instance);
    for (const [k, v] of entries) instance.set(k, read(v, specs[k]!.type, anchors, self));
    return instance;
  }
  return t.create(Object.fromEntries(entries.map(([k, v]) => [k, read(v, specs[k]!.type, anchors, self)])));
}

describe("experimaestro identifier vectors (through the public API)", () => {
  const helper = new Helper("vectors");
  const withExpectations = vectors.cases.filter((c) => c.expected !== undefined);

  it("has all 61 cases with an expected identifier", () => {
    expect(withExpectations).toHaveLength(61);
  });

  for (const c of vectors.cases) {
    it(c.name, () => {
      const anchors = new Map<string, ConfigInstance>();
      const value = build(c.value, {}, anchors) as ConfigInstance;
      let result: unknown = value;
      if (c.submit) {
        const initTasks = (c.init_tasks ?? []).map((v) => build(v, {}, anchors) as ConfigInstance);
        result = helper.submit(value, { initTasks });
      }
      results.set(c.name, result);
      if (c.expected !== undefined) expect(identifierHex(result as ConfigInstance)).toBe(c.expected);
      if (c.expected_job !== undefined) expect(jobPath(value)).toBe(c.expected_job);
    });
  }
});

describe("params.json of every vector", () => {
  // The direct printer (used for every job) against the plain document printed by JSON.stringify.
  const keyOf = (t: ConfigInstance) => (t.type.kind === "task" ? `${t.type.id.toLowerCase()}/${identifierHex(t)}` : undefined);
  for (const c of vectors.cases) {
    it(c.name, () => {
      const anchors = new Map<string, ConfigInstance>();
      const value = build(c.value, {}, anchors) as ConfigInstance;
      const reference = paramsText(paramsDocument(value, keyOf, "jobs/some.task/0123"));
      expect(paramsJson(value, keyOf, "jobs/some.task/0123")).toBe(reference);
    });
  }
});
