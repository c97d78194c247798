/**
 * Value types. Users declare parameter types with zod; this module reads a zod schema into a
 * small tagged union that decides the identifier encoding. The declaration, never the runtime JS
 * value, tells int from float from bool (`1 === 1.0` in JS).
 */
import { z } from "zod";
import type { ConfigType } from "./config.ts";
import { Codes } from "./diagnostics.ts";
import { ConfigInstance, Float, PathRef } from "./values.ts";

export type ValueType =
  | { kind: "int" }
  | { kind: "float" }
  | { kind: "bool" }
  | { kind: "str" }
  | { kind: "path" }
  | { kind: "any" }
  | { kind: "enum"; name: string; values: readonly string[] }
  | { kind: "list"; item: ValueType }
  | { kind: "set"; item: ValueType }
  /** `map`: declared with z.map (a Map at run time), else a record (a plain object). */
  | { kind: "dict"; key: "str" | "int"; value: ValueType; map?: true }
  | { kind: "optional"; inner: ValueType }
  | { kind: "config"; type: () => ConfigType };

type Marker = { kind: "path" } | { kind: "enum"; name: string; values: readonly string[] } | { kind: "config"; type: () => ConfigType };

/** Schemas created by this library carry a marker that zod itself cannot express. */
const markers = new WeakMap<z.ZodType, Marker>();

/** Registers a marker on a schema (used for config references, paths and named enums). */
export function markSchema<S extends z.ZodType>(schema: S, marker: Marker): S {
  markers.set(schema, marker);
  return schema;
}

/** A path parameter: a string in YAML, a relative path in emitted files. */
export function pathType(): z.ZodType<string | PathRef> {
  return markSchema(z.union([z.string(), z.instanceof(PathRef)]), { kind: "path" });
}

/**
 * A named enumeration, encoded like a Python Enum: `<qualified name>:<MEMBER>`.
 * `name` is the fully qualified name (`my_module.MyEnum`). A plain `z.enum` is hashed as a string.
 */
export function defineEnum<const V extends readonly [string, ...string[]]>(name: string, values: V) {
  return markSchema(z.enum(values), { kind: "enum", name, values });
}

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  keyType?: z.ZodType;
  getter?: () => z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDefLike {
  return (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** Reads a zod schema into a ValueType; throws a plain Error for unsupported schemas (a declaration bug). */
export function describeSchema(schema: z.ZodType): ValueType {
  const marker = markers.get(schema);
  if (marker) return marker;
  const def = defOf(schema);
  switch (def.type) {
    case "number": {
      const format = (schema as unknown as { format: string | null }).format;
      return format && /int/.test(format) ? { kind: "int" } : { kind: "float" };
    }
    case "int":
    case "bigint":
      return { kind: "int" };
    case "boolean":
      return { kind: "bool" };
    case "string":
    case "enum":
    case "literal":
      return { kind: "str" };
    case "any":
    case "unknown":
      return { kind: "any" };
    case "array":
      return { kind: "list", item: describeSchema(def.element!) };
    case "set":
      return { kind: "set", item: describeSchema(def.valueType!) };
    case "record":
    case "map": {
      const key = describeSchema(def.keyType!);
      const dict = { kind: "dict", key: key.kind === "int" ? "int" : "str", value: describeSchema(def.valueType!) } as const;
      return def.type === "map" ? { ...dict, map: true } : dict;
    }
    case "optional":
    case "nullable":
      return { kind: "optional", inner: describeSchema(def.innerType!) };
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return describeSchema(def.innerType!);
    case "pipe":
      return describeSchema(def.in!);
    case "lazy":
      return describeSchema(def.getter!());
    default:
      throw new Error(`unsupported zod schema type '${def.type}' in a parameter declaration`);
  }
}

/** A short human name for a value type, used in error messages. */
export function typeName(t: ValueType): string {
  switch (t.kind) {
    case "list":
      return `list[${typeName(t.item)}]`;
    case "set":
      return `set[${typeName(t.item)}]`;
    case "dict":
      return `dict[${t.key},${typeName(t.value)}]`;
    case "optional":
      return `optional[${typeName(t.inner)}]`;
    case "enum":
      return `enum ${t.name} (${t.values.join("|")})`;
    case "config":
      return t.type().id;
    default:
      return t.kind;
  }
}

/** A value problem found by checkValue: a diagnostic code, where in the value, what and how to fix. */
export interface ValueProblem {
  code: string;
  /** Keys from the param down to the offending element (list indexes as strings). */
  at: string[];
  message: string;
  hint: string;
}

const ANY: ValueType = { kind: "any" };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether a value of this type can hold what checkValue looks for: ints, `any`, nested paths. */
export function worthChecking(t: ValueType, nested = false): boolean {
  switch (t.kind) {
    case "int":
    case "any":
      return true;
    case "path":
      return nested;
    case "optional":
      return worthChecking(t.inner, nested);
    case "list":
    case "set":
      return worthChecking(t.item, true);
    case "dict":
      return worthChecking(t.value, true);
    default:
      return false;
  }
}

/** The walk of one param value; `at` is pushed and popped, not copied, per element. */
class ValueWalk {
  readonly problems: ValueProblem[] = [];
  /** An int position holds a bigint: zod's z.int() takes numbers only, so it sees numbers in their place. */
  bigintAtInt = false;
  /** Keys from the param down (stringified only when a problem is recorded). */
  private readonly at: unknown[] = [];

  constructor(
    /** Whether the param enters the identifier (meta params may hold anything). */
    private readonly hashed: boolean,
    private readonly declared: ValueType,
  ) {}

  value(v: unknown, t: ValueType, nested: boolean): void {
    if (v === null || v === undefined) return;
    switch (t.kind) {
      case "optional":
        return this.value(v, t.inner, nested);
      case "int":
        return this.int(v, false);
      case "path":
        if (nested) this.path();
        return;
      case "list":
      case "set":
        if (Array.isArray(v) || v instanceof Set) this.items(v, t.item);
        return;
      case "dict":
        if (v !== null && typeof v === "object") this.entries(v, t.value);
        return;
      case "any":
        return this.any(v);
      default:
        return;
    }
  }

  private items(items: Iterable<unknown>, t: ValueType): void {
    let i = 0;
    for (const x of items) {
      this.at.push(i++);
      this.value(x, t, true);
      this.at.pop();
    }
  }

  private entries(v: object, t: ValueType): void {
    for (const [k, x] of v instanceof Map ? v.entries() : Object.entries(v)) {
      this.at.push(k);
      this.value(x, t, true);
      this.at.pop();
    }
  }

  /** experimaestro hashes an `any` value by its runtime type; JavaScript needs float() and bigint to say which. */
  private any(v: unknown): void {
    if (typeof v === "bigint" || typeof v === "number") return this.int(v, true);
    if (v === null || typeof v !== "object" || v instanceof ConfigInstance || v instanceof Float) return;
    if (v instanceof PathRef) return this.path();
    if (Array.isArray(v) || v instanceof Set) return this.items(v, ANY);
    this.entries(v, ANY);
  }

  private int(v: unknown, inAny: boolean): void {
    if (typeof v === "bigint") {
      if (v < INT64_MIN || v > INT64_MAX) {
        this.problem(Codes.INT_RANGE, `${v} does not fit in a 64-bit signed int`, "experimaestro hashes ints as int64: from -2^63 to 2^63-1");
      } else if (!inAny) this.bigintAtInt = true;
    } else if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) {
      this.problem(
        Codes.INT_RANGE,
        `${v} is an integer beyond 2^53, which a JavaScript number cannot hold exactly`,
        inAny ? "write a bigint (e.g. 1152921504606846983n) for an int, or float(x) for a float" : "write it as a bigint (e.g. 1152921504606846983n): ints up to 2^63-1 are accepted",
      );
    }
  }

  private path(): void {
    if (!this.hashed) return;
    this.problem(
      Codes.PATH_IN_CONTAINER,
      `a path inside ${typeName(this.declared)} cannot enter an identifier (experimaestro hashes no path, and refuses one inside a list, dict or set)`,
      "pass configs that hold the paths (e.g. the Checkpoint configs that the producing tasks return from `outputs`), or declare the param with meta(...) if it must not change the identifier",
    );
  }

  /** One problem of each kind per param: the first element that has it. */
  private problem(code: string, message: string, hint: string): void {
    if (this.problems.some((p) => p.code === code)) return;
    this.problems.push({ code, at: this.at.map(String), message, hint });
  }
}

/**
 * What experimaestro refuses in a value, checked when the config is created rather than when it
 * is hashed: an int beyond int64 (Python's struct.error) and, in a hashed param, a path inside a
 * list, dict, set or `any` (NotImplementedError). A param's own path is fine: it is never hashed.
 */
export function checkValue(v: unknown, t: ValueType, hashed: boolean): { problems: ValueProblem[]; bigintAtInt: boolean } {
  const walk = new ValueWalk(hashed, t);
  walk.value(v, t, false);
  return walk;
}

/**
 * The value with each bigint at an int position replaced by a number, for zod's z.int(): beyond
 * +-(2^53-1) it is clamped there, so that bounds such as .max(100) still answer right.
 */
export function numbersForBigints(v: unknown, t: ValueType): unknown {
  if (v === null || v === undefined) return v;
  switch (t.kind) {
    case "optional":
      return numbersForBigints(v, t.inner);
    case "int":
      if (typeof v !== "bigint") return v;
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(v);
    case "list":
      return Array.isArray(v) ? v.map((x) => numbersForBigints(x, t.item)) : v;
    case "set":
      return v instanceof Set ? new Set([...v].map((x) => numbersForBigints(x, t.item))) : v;
    case "dict":
      if (v instanceof Map) return new Map([...v.entries()].map(([k, x]) => [k, numbersForBigints(x, t.value)]));
      if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersForBigints(x, t.value)]));
      return v;
    default:
      return v;
  }
}
