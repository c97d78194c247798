/**
 * experimaestro identifiers, bit for bit: SHA-256 over a typed byte encoding of a config
 * (see test/fixtures/identifiers.README.md for the byte table). The declared param type, not
 * the JS value, picks the encoding of numbers.
 */
import { createHash } from "node:crypto";
import type { ValueType } from "../model/types.ts";
import { ConfigInstance, PathRef } from "../model/values.ts";

const OBJECT = 0x00;
const INT = 0x01;
const FLOAT = 0x02;
const STR = 0x03;
const PATH = 0x04;
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

/** Accumulates the byte encoding of one config. */
class Encoder {
  private readonly chunks: Uint8Array[] = [];
  /** Distinct instance-config objects seen per identifier, for the position suffix. */
  private readonly instances = new Map<string, ConfigInstance[]>();

  constructor(private readonly path: ConfigPath) {}

  bytes(b: Uint8Array | number[]): void {
    this.chunks.push(b instanceof Uint8Array ? b : Uint8Array.from(b));
  }

  int64(v: number | bigint): void {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64BE(BigInt(v));
    this.bytes(buf);
  }

  double(v: number): void {
    const buf = Buffer.alloc(8);
    buf.writeDoubleBE(v);
    this.bytes(buf);
  }

  text(tag: number, s: string): void {
    this.bytes([tag]);
    this.bytes(Buffer.from(s, "utf8"));
  }

  encoded(): Buffer {
    return Buffer.concat(this.chunks);
  }

  digest(): Uint8Array {
    const h = createHash("sha256");
    for (const c of this.chunks) h.update(c);
    return h.digest();
  }

  /** A reference to another config: its identifier, a cycle distance, or an instance position. */
  configRef(config: ConfigInstance): void {
    this.bytes([OBJECT]);
    const loop = this.path.detectLoop(config);
    if (loop !== undefined) {
      this.bytes([CYCLE]);
      this.int64(loop);
      return;
    }
    const id = computeId(config, this.path);
    this.bytes(id);
    if (config.type.kind === "instance") {
      const key = Buffer.from(id).toString("hex");
      const seen = this.instances.get(key) ?? [];
      let pos = seen.indexOf(config);
      if (pos < 0) pos = seen.push(config) - 1;
      this.instances.set(key, seen);
      if (pos > 0) {
        this.bytes([INSTANCE_POS]);
        this.int64(pos);
      }
    }
  }

  value(v: unknown, type: ValueType): void {
    if (v === null || v === undefined) return this.bytes([NONE]);
    switch (type.kind) {
      case "optional":
        return this.value(v, type.inner);
      case "int":
        this.bytes([INT]);
        return this.int64(typeof v === "boolean" ? (v ? 1 : 0) : (v as number | bigint));
      case "bool":
        this.bytes([INT]);
        return this.int64(v ? 1 : 0);
      case "float":
        this.bytes([FLOAT]);
        return this.double(v as number);
      case "str":
        return this.text(STR, String(v));
      case "enum":
        return this.text(ENUM, `${type.name}:${String(v)}`);
      case "path":
        if (v instanceof PathRef) {
          this.bytes([TASK]);
          this.configRef(v.task);
        }
        return this.text(PATH, String(v));
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
    this.bytes([LIST]);
    this.double(items.length);
    for (const x of items) this.value(x, item);
  }

  private set(items: Iterable<unknown>, item: ValueType): void {
    const encoded = [...items].map((x) => {
      const e = new Encoder(this.path);
      e.value(x, item);
      const bytes = Buffer.concat(e.chunks);
      return { bytes, key: createHash("sha256").update(bytes).digest() };
    });
    encoded.sort((a, b) => Buffer.compare(a.key, b.key));
    this.bytes([SET]);
    this.double(encoded.length);
    for (const e of encoded) this.bytes(e.bytes);
  }

  private dict(v: unknown, keyKind: "str" | "int", valueType: ValueType): void {
    const entries: [string | number, unknown][] =
      v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
    const keyed = entries.map(([k, x]) => [keyKind === "int" ? Number(k) : String(k), x] as const);
    keyed.sort(([a], [b]) => (typeof a === "number" && typeof b === "number" ? a - b : compareCodePoints(String(a), String(b))));
    this.bytes([DICT]);
    for (const [k, x] of keyed) {
      this.value(k, { kind: keyKind });
      this.value(x, valueType);
    }
  }

  private anyValue(v: unknown): void {
    if (typeof v === "boolean") return this.value(v, { kind: "bool" });
    if (typeof v === "number") return this.value(v, Number.isInteger(v) ? { kind: "int" } : { kind: "float" });
    if (typeof v === "bigint") return this.value(v, { kind: "int" });
    if (typeof v === "string") return this.value(v, { kind: "str" });
    if (v instanceof ConfigInstance) return this.configRef(v);
    if (v instanceof PathRef) return this.value(v, { kind: "path" });
    if (Array.isArray(v)) return this.list(v, ANY);
    if (v instanceof Set) return this.set(v, ANY);
    return this.dict(v, "str", ANY);
  }

  /** The body of a config: producer mark, type id, hashed params, init tasks. */
  config(config: ConfigInstance): void {
    this.bytes([OBJECT]);
    if (config.producer && config.producer !== config) {
      this.bytes([TASK]);
      this.configRef(config.producer);
    }
    this.bytes(Buffer.from(config.type.hashId, "utf8"));
    for (const name of Object.keys(config.type.params).sort(compareCodePoints)) {
      const decl = config.type.params[name]!;
      if (decl.kind === "meta" || decl.kind === "pathgen") continue;
      const type = config.type.paramType(name);
      const value = config.values[name];
      if (decl.kind !== "constant") {
        if ((value === null || value === undefined) && !decl.default) continue;
        if (decl.ignoreDefault && decl.default && sameEncoding(value, defaultOf(decl.default), type, this.path)) continue;
      }
      this.text(STR, name);
      this.bytes([NAME]);
      this.value(value, type);
    }
    if (config.initTasks.length) {
      this.bytes([INIT_TASKS]);
      for (const t of config.initTasks) this.configRef(t);
    }
  }
}

function defaultOf(d: { value: unknown } | { factory: () => unknown }): unknown {
  return "factory" in d ? d.factory() : d.value;
}

/** Whether two values encode to the same bytes (compared directly: no hashing needed). */
function sameEncoding(a: unknown, b: unknown, type: ValueType, path: ConfigPath): boolean {
  const ea = new Encoder(path);
  ea.value(a, type);
  const eb = new Encoder(path);
  eb.value(b, type);
  return ea.encoded().equals(eb.encoded());
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

function computeId(config: ConfigInstance, path: ConfigPath): Uint8Array {
  if (config.cachedId) return config.cachedId;
  path.push(config);
  const enc = new Encoder(path);
  let looped = true;
  try {
    enc.config(config);
  } finally {
    looped = path.pop(config);
  }
  const id = enc.digest();
  if (!looped) config.cachedId = id;
  return id;
}

/** The raw 32-byte identifier of a config or task. */
export function identifier(config: ConfigInstance): Uint8Array {
  return computeId(config, new ConfigPath());
}

/** The identifier as 64 lower-case hex digits. */
export function identifierHex(config: ConfigInstance): string {
  return Buffer.from(identifier(config)).toString("hex");
}

/** The job directory of a task, relative to the workspace: `jobs/<lower-cased task id>/<hex>`. */
export function jobPath(task: ConfigInstance): string {
  return `jobs/${task.type.hashId}/${identifierHex(task)}`;
}
