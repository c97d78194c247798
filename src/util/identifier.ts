/**
 * experimaestro identifiers, bit for bit: SHA-256 over a typed byte encoding of a config
 * (see test/fixtures/identifiers.README.md for the byte table). The declared param type, not
 * the JS value, picks the encoding of numbers.
 *
 * As in experimaestro, no path is ever hashed: a path-typed param is skipped like a meta one
 * (`PathType.ignore`, core/types.py), and a path inside a list, dict, set or `any` cannot be
 * encoded (NotImplementedError there, XPM205 here). `create` refuses both that and ints beyond
 * int64 first; the errors thrown here are for values changed afterwards.
 */
import * as crypto from "node:crypto";
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { ValueType } from "../model/types.ts";
import { ConfigInstance, Float, PathRef } from "../model/values.ts";

const OBJECT = 0x00;
const INT = 0x01;
const FLOAT = 0x02;
const STR = 0x03;
// 0x04 is experimaestro's PATH_ID, which it never writes: paths are not hashed.
const NAME = 0x05;
const NONE = 0x06;
const LIST = 0x07;
const TASK = 0x08;
const DICT = 0x09;
const ENUM = 0x0a;
const CYCLE = 0x0b;
const INIT_TASKS = 0x0c;
const INSTANCE_POS = 0x0d;
const SET = 0x0e;

const ANY: ValueType = { kind: "any" };

/** Configs on the current hashing path, to encode references back into a cycle. */
class ConfigPath {
  private readonly index = new Map<ConfigInstance, number>();
  private readonly loops: boolean[] = [];

  detectLoop(config: ConfigInstance): number | undefined {
    const i = this.index.get(config);
    if (i === undefined) return undefined;
    for (let k = i; k < this.loops.length; k++) this.loops[k] = true;
    return this.loops.length - i;
  }

  push(config: ConfigInstance): void {
    this.index.set(config, this.loops.length);
    this.loops.push(false);
  }

  /** Pops the config; returns whether a loop went through it. */
  pop(config: ConfigInstance): boolean {
    this.index.delete(config);
    return this.loops.pop() ?? false;
  }
}

/**
 * The bytes being encoded, in one growable buffer shared by every encoding. A config's body is
 * written at the end; a sub-config met on the way is encoded after it, hashed, and its region
 * given back (`pos` reset) before its 32-byte id is written in its place: a stack of regions,
 * so hashing 100,000 jobs allocates no chunk lists.
 */
let buf = Buffer.allocUnsafe(1 << 16);
let pos = 0;

function room(n: number): void {
  if (pos + n <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + n));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}

function byte(b: number): void {
  room(1);
  buf[pos++] = b;
}

const TWO_32 = 2 ** 32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signed 64-bit int, big-endian (Python's `struct.pack("!q")`). */
function int64(v: number | bigint): void {
  room(8);
  if (typeof v === "number" && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO_32);
    buf.writeInt32BE(hi, pos);
    buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
  } else if (typeof v === "bigint" && v >= INT64_MIN && v <= INT64_MAX) {
    buf.writeBigInt64BE(v, pos);
  } else {
    throw new XpmError({
      code: Codes.INT_RANGE,
      message: `cannot hash ${v} as an int: ints are int64, and a JavaScript number is exact only up to 2^53`,
      hint: "give ints beyond 2^53 as bigints (e.g. 1152921504606846983n), within -2^63 .. 2^63-1",
    });
  }
  pos += 8;
}

function double(v: number): void {
  room(8);
  pos = buf.writeDoubleBE(v, pos);
}

function utf8(s: string): void {
  room(3 * s.length);
  pos += buf.write(s, pos, "utf8");
}

function text(tag: number, s: string): void {
  byte(tag);
  utf8(s);
}

function hexBytes(hex: string): void {
  room(32);
  pos += buf.write(hex, pos, "hex");
}

/** One-shot hashing (crypto.hash, Node 20.12+), else a Hash object. */
const sha256Hex: (data: Uint8Array) => string =
  typeof crypto.hash === "function" ? (data) => crypto.hash("sha256", data, "hex") : (data) => crypto.createHash("sha256").update(data).digest("hex");

/** A path-typed param (or an optional one, which experimaestro unwraps first) is never hashed. */
function isPath(t: ValueType): boolean {
  while (t.kind === "optional") t = t.inner;
  return t.kind === "path";
}

/** A type's hashed params in code-point order, with their value types (computed once per type). */
const hashedParamsOf = new WeakMap<ConfigInstance["type"], { name: string; decl: ConfigInstance["type"]["params"][string]; type: ValueType }[]>();

function hashedParams(type: ConfigInstance["type"]) {
  let list = hashedParamsOf.get(type);
  if (!list) {
    list = Object.keys(type.params)
      .sort(compareCodePoints)
      .filter((name) => type.params[name]!.kind !== "meta" && type.params[name]!.kind !== "pathgen")
      .map((name) => ({ name, decl: type.params[name]!, type: type.paramType(name) }))
      .filter((p) => !isPath(p.type));
    hashedParamsOf.set(type, list);
  }
  return list;
}

/** Encodes one config's body (appending to the shared buffer). */
class Encoder {
  /** Distinct instance-config objects seen per identifier, for the position suffix. */
  private instances: Map<string, ConfigInstance[]> | undefined;

  constructor(private readonly path: ConfigPath) {}

  /** A reference to another config: its identifier, a cycle distance, or an instance position. */
  configRef(config: ConfigInstance): void {
    byte(OBJECT);
    const loop = this.path.detectLoop(config);
    if (loop !== undefined) {
      byte(CYCLE);
      int64(loop);
      return;
    }
    const id = computeId(config, this.path);
    hexBytes(id);
    if (config.type.kind === "instance") {
      this.instances ??= new Map();
      const seen = this.instances.get(id) ?? [];
      let at = seen.indexOf(config);
      if (at < 0) at = seen.push(config) - 1;
      this.instances.set(id, seen);
      if (at > 0) {
        byte(INSTANCE_POS);
        int64(at);
      }
    }
  }

  value(v: unknown, type: ValueType): void {
    if (v === null || v === undefined) return byte(NONE);
    switch (type.kind) {
      case "optional":
        return this.value(v, type.inner);
      case "int":
        byte(INT);
        return int64(typeof v === "boolean" ? (v ? 1 : 0) : (v as number | bigint));
      case "bool":
        byte(INT);
        return int64(v ? 1 : 0);
      case "float":
        byte(FLOAT);
        return double(v as number);
      case "str":
        return text(STR, String(v));
      case "enum":
        return text(ENUM, `${type.name}:${String(v)}`);
      case "path":
        // Reached only inside a container: path params themselves are skipped.
        return pathInContainer();
      case "list":
        return this.list(v as unknown[], type.item);
      case "set":
        return this.set(v as Iterable<unknown>, type.item);
      case "dict":
        return this.dict(v, type.key, type.value);
      case "config":
        return this.configRef(v as ConfigInstance);
      case "any":
        return this.anyValue(v);
    }
  }

  private list(items: readonly unknown[], item: ValueType): void {
    byte(LIST);
    double(items.length);
    for (const x of items) this.value(x, item);
  }

  private set(items: Iterable<unknown>, item: ValueType): void {
    const encoded = [...items].map((x) => {
      const start = pos;
      new Encoder(this.path).value(x, item);
      const bytes = Buffer.from(buf.subarray(start, pos));
      pos = start;
      return { bytes, key: crypto.createHash("sha256").update(bytes).digest() };
    });
    encoded.sort((a, b) => Buffer.compare(a.key, b.key));
    byte(SET);
    double(encoded.length);
    for (const e of encoded) {
      room(e.bytes.length);
      pos += e.bytes.copy(buf, pos);
    }
  }

  private dict(v: unknown, keyKind: "str" | "int", valueType: ValueType): void {
    const entries: [string | number, unknown][] =
      v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
    const keyed = entries.map(([k, x]) => [keyKind === "int" ? Number(k) : String(k), x] as const);
    keyed.sort(([a], [b]) => (typeof a === "number" && typeof b === "number" ? a - b : compareCodePoints(String(a), String(b))));
    byte(DICT);
    for (const [k, x] of keyed) {
      this.value(k, { kind: keyKind });
      this.value(x, valueType);
    }
  }

  /** experimaestro encodes an `any` value by its Python type: an integral number is an int, float(x) a float. */
  private anyValue(v: unknown): void {
    if (typeof v === "boolean") return this.value(v, { kind: "bool" });
    if (typeof v === "number") return this.value(v, Number.isInteger(v) ? { kind: "int" } : { kind: "float" });
    if (typeof v === "bigint") return this.value(v, { kind: "int" });
    if (typeof v === "string") return this.value(v, { kind: "str" });
    if (v instanceof Float) return this.value(v.value, { kind: "float" });
    if (v instanceof ConfigInstance) return this.configRef(v);
    if (v instanceof PathRef) return pathInContainer();
    if (Array.isArray(v)) return this.list(v, ANY);
    if (v instanceof Set) return this.set(v, ANY);
    return this.dict(v, "str", ANY);
  }

  /** The body of a config: producer mark, type id, hashed params, init tasks. */
  config(config: ConfigInstance): void {
    byte(OBJECT);
    if (config.producer && config.producer !== config) {
      byte(TASK);
      this.configRef(config.producer);
    }
    utf8(config.type.hashId);
    for (const { name, decl, type } of hashedParams(config.type)) {
      const value = config.values[name];
      if (decl.kind !== "constant") {
        if ((value === null || value === undefined) && !decl.default) continue;
        if (decl.ignoreDefault && decl.default && sameEncoding(value, defaultOf(decl.default), type, this.path)) continue;
      }
      text(STR, name);
      byte(NAME);
      this.value(value, type);
    }
    if (config.initTasks.length) {
      byte(INIT_TASKS);
      for (const t of config.initTasks) this.configRef(t);
    }
  }
}

function pathInContainer(): never {
  throw new XpmError({
    code: Codes.PATH_IN_CONTAINER,
    message: "cannot hash a path inside a list, dict, set or any value (experimaestro hashes no path)",
    hint: "pass configs that hold the paths, or declare the param with meta(...)",
  });
}

function defaultOf(d: { value: unknown } | { factory: () => unknown }): unknown {
  return "factory" in d ? d.factory() : d.value;
}

/** Whether two values encode to the same bytes (compared in place: no hashing needed). */
function sameEncoding(a: unknown, b: unknown, type: ValueType, path: ConfigPath): boolean {
  const start = pos;
  new Encoder(path).value(a, type);
  const middle = pos;
  new Encoder(path).value(b, type);
  const same = buf.compare(buf, start, middle, middle, pos) === 0;
  pos = start;
  return same;
}

/** Python sorts str by code point; JS's default sort compares UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** The identifier (hex) of a config; its body is encoded at the end of the buffer, then given back. */
function computeId(config: ConfigInstance, path: ConfigPath): string {
  if (config.cachedId) return config.cachedId;
  const start = pos;
  path.push(config);
  let looped = true;
  try {
    new Encoder(path).config(config);
  } finally {
    looped = path.pop(config);
  }
  const id = sha256Hex(buf.subarray(start, pos));
  pos = start;
  if (!looped) config.cachedId = id;
  return id;
}

/** The identifier as 64 lower-case hex digits. */
export function identifierHex(config: ConfigInstance): string {
  if (config.cachedId) return config.cachedId;
  const start = pos;
  try {
    return computeId(config, new ConfigPath());
  } finally {
    pos = start;
  }
}

/** The raw 32-byte identifier of a config or task. */
export function identifier(config: ConfigInstance): Uint8Array {
  return Buffer.from(identifierHex(config), "hex");
}

/** The job directory of a task, relative to the workspace: `jobs/<lower-cased task id>/<hex>`. */
export function jobPath(task: ConfigInstance): string {
  return `jobs/${task.type.hashId}/${identifierHex(task)}`;
}
