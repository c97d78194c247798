/**
 * Parameter declarations, mirroring experimaestro's `Param`, `Meta`, `Constant` and path
 * generators. A declaration is plain data; `config.ts` reads it.
 */
import type { z } from "zod";
import { pathType } from "./types.ts";
import type { ConfigInstance, PathRef } from "./values.ts";
import type { ConfigType } from "./config.ts";

export type ParamKind = "param" | "meta" | "constant" | "pathgen";

/** A parameter declaration. `D` records whether a value may be left out (default or optional). */
export interface ParamDecl<T = unknown, D extends boolean = boolean> {
  readonly kind: ParamKind;
  readonly schema: z.ZodType;
  /** The default value, or a factory called for each new config. */
  readonly default?: { value: T } | { factory: () => T };
  /** Skip the param in the identifier when its value equals the default (experimaestro's `ignore_default`). */
  readonly ignoreDefault: boolean;
  /** For path generators: the path inside the job directory. */
  readonly relPath?: string;
  readonly help?: string;
  /** Phantom field: carries the value type and whether it may be omitted. */
  readonly __value?: T;
  readonly __optional?: D;
}

/**
 * A value as a `const` type parameter infers it (arrays as readonly tuples): `{ default: [] }`
 * must still count as a default of a list param.
 */
type ReadonlyDeep<T> = T extends readonly (infer X)[]
  ? readonly ReadonlyDeep<X>[]
  : T extends Map<unknown, unknown> | Set<unknown> | ConfigInstance | PathRef
    ? T
    : T extends object
      ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
      : T;

export interface ParamOptions<T> {
  default?: T | ReadonlyDeep<T>;
  defaultFactory?: () => T;
  ignoreDefault?: boolean;
  help?: string;
}

type SchemaOrConfig = z.ZodType | ConfigType;
type ValueOf<S> = S extends ConfigType<infer V> ? ConfigInstance<V> : S extends z.ZodType<infer T> ? T : never;
type OmittableOf<S, O> = O extends { default: unknown } | { defaultFactory: unknown }
  ? true
  : S extends z.ZodOptional<z.ZodType> | z.ZodNullable<z.ZodType>
    ? true
    : false;

function toSchema(s: SchemaOrConfig): z.ZodType {
  return "schema" in s && "id" in s ? (s as ConfigType).schema : (s as z.ZodType);
}

function build<T>(kind: ParamKind, s: SchemaOrConfig, opts: ParamOptions<T> = {}): ParamDecl<T> {
  const dflt =
    opts.defaultFactory !== undefined
      ? { factory: opts.defaultFactory }
      : "default" in opts
        ? { value: opts.default as T }
        : undefined;
  return {
    kind,
    schema: toSchema(s),
    ...(dflt ? { default: dflt } : {}),
    ignoreDefault: opts.ignoreDefault ?? false,
    ...(opts.help !== undefined ? { help: opts.help } : {}),
  };
}

/** A hashed parameter (experimaestro `Param`). Accepts a zod schema or a config type. */
export function param<S extends SchemaOrConfig, const O extends ParamOptions<ValueOf<S>> = {}>(
  schema: S,
  opts?: O,
): ParamDecl<ValueOf<S>, OmittableOf<S, O>> {
  return build("param", schema, opts) as ParamDecl<ValueOf<S>, OmittableOf<S, O>>;
}

/** A parameter that never enters the identifier (experimaestro `Meta`): runtime knobs. */
export function meta<S extends SchemaOrConfig, const O extends ParamOptions<ValueOf<S>> = {}>(
  schema: S,
  opts?: O,
): ParamDecl<ValueOf<S>, OmittableOf<S, O>> {
  return build("meta", schema, opts) as ParamDecl<ValueOf<S>, OmittableOf<S, O>>;
}

/** A constant, always hashed: a version stamp (`constant(2, z.int())`). It cannot be set. */
export function constant<T>(value: T, schema: z.ZodType<T>): ParamDecl<T, true> {
  return { kind: "constant", schema, default: { value }, ignoreDefault: false } as ParamDecl<T, true>;
}

/** A path inside the job directory (experimaestro `PathGenerator`); never hashed, never set. */
export function pathGen(relPath: string): ParamDecl<PathRef, true> {
  return { kind: "pathgen", schema: pathType(), relPath, ignoreDefault: false } as ParamDecl<PathRef, true>;
}
