/**
 * Value types. Users declare parameter types with zod; this module reads a zod schema into a
 * small tagged union that decides the identifier encoding. The declaration, never the runtime JS
 * value, tells int from float from bool (`1 === 1.0` in JS).
 */
import { z } from "zod";
import type { ConfigType } from "./config.ts";
import { PathRef } from "./values.ts";

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
  | { kind: "dict"; key: "str" | "int"; value: ValueType }
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
      return { kind: "dict", key: key.kind === "int" ? "int" : "str", value: describeSchema(def.valueType!) };
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
