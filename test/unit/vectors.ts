/**
 * A loader for the experimaestro reference vectors (test/fixtures/identifiers.json and
 * compat.json; their layout is in identifiers.README.md and compat.README.md). It declares each
 * type the way a user would, through the public API (defineConfig / defineTask with zod types),
 * and builds each case's values. Numbers follow compat.json's additions: `{"$float": x}` is a
 * float, `{"$int": "digits"}` an int of any size; in a typed param the declaration decides.
 */
import { readFileSync } from "node:fs";
import {
  ConfigInstance,
  constant,
  defineConfig,
  defineEnum,
  defineTask,
  float,
  meta,
  param,
  pathGen,
  pathType,
  z,
  type ConfigType,
  type ParamDecl,
} from "../../src/index.ts";

export interface ParamSpec {
  type: string;
  option?: boolean;
  meta?: boolean;
  constant?: boolean;
  default?: unknown;
  default_factory?: unknown;
  bare_default?: unknown;
  ignore_default?: boolean;
  path_generator?: string;
}
export interface TypeSpec {
  kind?: "config" | "task" | "instance" | "lightweight";
  id?: string;
  parent?: string;
  params: Record<string, ParamSpec>;
  outputs?: unknown;
  outputs_dep?: boolean;
}
export interface CaseSpec {
  name: string;
  value: unknown;
  submit?: boolean;
  partial?: boolean;
  init_tasks?: unknown[];
  expected?: string;
  expected_job?: string;
  expected_name?: string;
  expected_output_path?: string;
  expected_depends_on?: string[];
  error?: string;
  error_message?: string;
  same_as?: string[];
  differs_from?: string[];
}
export interface Vectors {
  module: string;
  enums: Record<string, { module: string; values: string[] } | string[]>;
  types: Record<string, TypeSpec>;
  cases: CaseSpec[];
}

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The declared types of one vectors file, and the results of its cases (for `$ref`). */
export class VectorLoader {
  readonly vectors: Vectors;
  readonly results = new Map<string, unknown>();
  private readonly types = new Map<string, ConfigType>();
  private readonly enums = new Map<string, z.ZodType>();

  constructor(fixture: string) {
    this.vectors = JSON.parse(readFileSync(new URL(`../fixtures/${fixture}`, import.meta.url), "utf8"));
  }

  /** Builds a case's VALUE (`$type`, `$ref`, `$self`); `anchors` holds the case's `$id` objects. */
  build(value: unknown, anchors: Map<string, ConfigInstance>, opts: { partial?: boolean; self?: ConfigInstance } = {}): unknown {
    const obj = value as Record<string, unknown>;
    if ("$ref" in obj) {
      const ref = obj.$ref as string;
      return anchors.get(ref) ?? this.results.get(ref);
    }
    if ("$self" in obj) return opts.self!.values[obj.$self as string];
    const typeName = obj.$type as string;
    const t = this.typeOf(typeName);
    const specs = this.paramsOf(typeName);
    const entries = Object.entries(obj).filter(([k]) => !k.startsWith("$"));
    const read = (k: string, v: unknown) => this.read(v, specs[k]!.type, anchors, opts.self);
    if ("$id" in obj) {
      // Created first, params assigned afterwards, so they may refer back to it.
      const instance = t.create({}, { partial: true });
      anchors.set(obj.$id as string, instance);
      for (const [k, v] of entries) instance.set(k, read(k, v));
      return instance;
    }
    return t.create(Object.fromEntries(entries.map(([k, v]) => [k, read(k, v)])), opts.partial ? { partial: true } : {});
  }

  typeOf(name: string): ConfigType {
    const known = this.types.get(name);
    if (known) return known;
    const spec = this.vectors.types[name]!;
    const id = spec.id ?? `${this.vectors.module}.${name}`;
    const params = Object.fromEntries(Object.entries(spec.params).map(([p, s]) => [p, this.declare(s)]));
    const parent = spec.parent ? this.typeOf(spec.parent) : undefined;
    const kind = spec.kind ?? "config";
    let t: ConfigType;
    if (kind === "task" || kind === "lightweight") {
      const outputs = spec.outputs;
      t = defineTask(id, params, {
        ...(parent ? { parent } : {}),
        lightweight: kind === "lightweight",
        // A lightweight task needs code to run (XPM210); the vectors only hash it.
        ...(kind === "lightweight" ? { command: () => ["true"] } : {}),
        ...(outputs
          ? { outputs: (self: ConfigInstance) => this.build(outputs, new Map(), { self }), outputsDep: spec.outputs_dep ?? true }
          : {}),
      });
    } else {
      t = defineConfig(id, params, { kind, ...(parent ? { parent } : {}) });
    }
    this.types.set(name, t);
    return t;
  }

  private paramsOf(typeName: string): Record<string, ParamSpec> {
    const spec = this.vectors.types[typeName]!;
    return { ...(spec.parent ? this.paramsOf(spec.parent) : {}), ...spec.params };
  }

  private declare(spec: ParamSpec): ParamDecl {
    if (spec.path_generator !== undefined) return pathGen(spec.path_generator);
    const schema = this.schemaOf(spec.type);
    const value = (v: unknown) => this.read(v, spec.type, new Map());
    if (spec.constant) return constant(value(spec.bare_default), schema);
    const opts: { default?: unknown; defaultFactory?: () => unknown; ignoreDefault?: boolean } = {};
    if ("default" in spec) opts.default = value(spec.default);
    if ("default_factory" in spec) opts.defaultFactory = () => value(spec.default_factory);
    if (spec.ignore_default) opts.ignoreDefault = true;
    // A bare class attribute (`x: Param[T] = v`): a default that is not hashed while it holds.
    if ("bare_default" in spec) Object.assign(opts, { default: value(spec.bare_default), ignoreDefault: true });
    return spec.option || spec.meta ? meta(schema, opts) : param(schema, opts);
  }

  private enumSchema(name: string): z.ZodType {
    let s = this.enums.get(name);
    if (!s) {
      const spec = this.vectors.enums[name]!;
      const [module, values] = Array.isArray(spec) ? [this.vectors.module, spec] : [spec.module, spec.values];
      s = defineEnum(`${module}.${name}`, values as [string, ...string[]]);
      this.enums.set(name, s);
    }
    return s;
  }

  private schemaOf(t: string): z.ZodType {
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
        return z.array(this.schemaOf(args[0]!));
      case "set":
        return z.set(this.schemaOf(args[0]!));
      case "dict":
        return args[0] === "int" ? z.map(z.int(), this.schemaOf(args[1]!)) : z.record(z.string(), this.schemaOf(args[1]!));
      case "optional":
        return this.schemaOf(args[0]!).nullable().optional();
      default:
        if (name.startsWith("enum:")) return this.enumSchema(name.slice(5));
        // Lazy: types may refer to each other in a cycle (CycleA <-> CycleB).
        return z.lazy(() => this.typeOf(name).schema);
    }
  }

  /** Reads a VALUE through the declared TYPE of the param receiving it. */
  private read(value: unknown, type: string, anchors: Map<string, ConfigInstance>, self?: ConfigInstance): unknown {
    if (value === null) return null;
    const { name, args } = parseType(type);
    if (isObject(value) && ("$type" in value || "$ref" in value || "$self" in value)) return this.build(value, anchors, self ? { self } : {});
    if (isObject(value) && "$float" in value) return name === "any" ? float(value.$float as number) : value.$float;
    if (isObject(value) && "$int" in value) return name === "float" ? Number(value.$int) : BigInt(value.$int as string);
    switch (name) {
      case "list":
        return (value as unknown[]).map((v) => this.read(v, args[0]!, anchors, self));
      case "set":
        return new Set((value as unknown[]).map((v) => this.read(v, args[0]!, anchors, self)));
      case "dict": {
        const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.read(v, args[1]!, anchors, self)] as const);
        return args[0] === "int" ? new Map(entries.map(([k, v]) => [Number(k), v])) : Object.fromEntries(entries);
      }
      case "optional":
        return this.read(value, args[0]!, anchors, self);
      case "any":
        // In `any` the JSON spelling decides: lists and dicts stay `any` all the way down.
        if (Array.isArray(value)) return value.map((v) => this.read(v, "any", anchors, self));
        if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.read(v, "any", anchors, self)]));
        return value;
      default:
        return value;
    }
  }
}
