/**
 * The values an `execute` function receives, rebuilt from the job's params.json by the declared
 * types: paths made absolute (params.json holds them relative to the job folder), sub-configs as
 * plain objects of their values (with `$type` and `$id`), sets and maps as such, int64 exactly.
 */
import { join, resolve } from "node:path";
import { declaredType, type ConfigType } from "../model/config.ts";
import type { ValueType } from "../model/types.ts";

/** A problem with params.json or the bundle, reported as such (not as a failure of the task's code). */
export class RuntimeError extends Error {}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export class Decoder {
  /** Configs by identifier, while their values are rebuilt (params.json writes a cycle as `{$ref}`). */
  private readonly building = new Map<string, object>();

  constructor(
    /** The job folder (absolute): params.json paths are relative to it. */
    private readonly jobDir: string,
    private readonly workspace: string,
    /** The identifier of the job's task: its own path generators are in params.json. */
    private readonly jobIdentifier: string,
  ) {}

  /** A config `{"$type", "$id", ...values}` as a plain object of resolved values. */
  config(json: Record<string, Json>, at: string): Record<string, unknown> {
    const typeId = json.$type;
    const id = json.$id;
    if (typeof typeId !== "string" || typeof id !== "string") throw new RuntimeError(`params.json: ${at} is not a config (no $type and $id)`);
    const type = declaredType(typeId);
    if (!type) {
      throw new RuntimeError(`params.json: ${at} is a ${typeId} config, which no bundled module declares (prepare the experiment again to rebuild the bundle)`);
    }
    const out: Record<string, unknown> = {};
    Object.defineProperties(out, { $type: { value: typeId }, $id: { value: id } });
    this.building.set(id, out);
    for (const [name, decl] of Object.entries(type.params)) {
      if (decl.kind === "pathgen" && id !== this.jobIdentifier) out[name] = this.pathGenerator(type, id, decl.relPath!);
      else out[name] = this.value(json[name] ?? null, type.paramType(name), `${at}.${name}`);
    }
    this.building.delete(id);
    return out;
  }

  /**
   * A path generator of a sub-config (params.json leaves them out): in the folder of that job
   * when the config is a task, else in this job's folder (as in commands).
   */
  private pathGenerator(type: ConfigType, id: string, rel: string): string {
    return type.kind === "task" ? join(this.workspace, "jobs", type.hashId, id, rel) : join(this.jobDir, rel);
  }

  value(v: Json, t: ValueType, at: string): unknown {
    if (v === null || v === undefined) return null;
    switch (t.kind) {
      case "optional":
        return this.value(v, t.inner, at);
      case "path":
        if (typeof v !== "string") throw new RuntimeError(`params.json: ${at} should be a path, got ${typeof v}`);
        return resolve(this.jobDir, v);
      case "float":
        return typeof v === "bigint" ? Number(v) : v;
      case "config":
        return this.configOrRef(v, at);
      case "list":
      case "set": {
        if (!Array.isArray(v)) throw new RuntimeError(`params.json: ${at} should be a list`);
        const items = v.map((x, i) => this.value(x, t.item, `${at}.${i}`));
        return t.kind === "set" ? new Set(items) : items;
      }
      case "dict":
        return this.dict(v, t, at);
      case "any":
        return this.any(v, at);
      default:
        return v;
    }
  }

  private configOrRef(v: Json, at: string): unknown {
    if (!isObject(v)) throw new RuntimeError(`params.json: ${at} should be a config`);
    if (typeof v.$ref === "string") {
      const target = this.building.get(v.$ref);
      if (!target) throw new RuntimeError(`params.json: ${at} refers to ${v.$ref}, which encloses no value here`);
      return target;
    }
    return this.config(v, at);
  }

  private dict(v: Json, t: Extract<ValueType, { kind: "dict" }>, at: string): unknown {
    if (!isObject(v)) throw new RuntimeError(`params.json: ${at} should be a dict`);
    const entries = Object.entries(v).map(([k, x]) => [k, this.value(x, t.value, `${at}.${k}`)] as const);
    if (!t.map) return Object.fromEntries(entries);
    return new Map(entries.map(([k, x]) => [t.key === "int" ? Number(k) : k, x]));
  }

  /** An `any` value: configs are recognised by `$type`; paths cannot be told from strings and stay as written. */
  private any(v: Json, at: string): unknown {
    if (Array.isArray(v)) return v.map((x, i) => this.any(x, `${at}.${i}`));
    if (!isObject(v)) return v;
    if (typeof v.$type === "string" || typeof v.$ref === "string") return this.configOrRef(v, at);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.any(x, `${at}.${k}`)]));
  }
}
