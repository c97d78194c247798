/**
 * Runtime values of the model: config instances and path references.
 */
import type { ConfigType } from "./config.ts";

/**
 * A path inside a task's job directory: a path generator of that task, or a path the task
 * returns among its outputs. Passing it to another task's param makes that task depend on `task`.
 */
export class PathRef {
  constructor(
    /** The task whose job directory holds the path. */
    readonly task: ConfigInstance,
    /** POSIX path relative to the job directory. */
    readonly rel: string,
  ) {}
  toString(): string {
    return this.rel;
  }
}

/**
 * An explicit float, for `any` params: JavaScript has one number type, so `3` and `3.0` are the
 * same value, while experimaestro hashes Python's `3` as an int and `3.0` as a float. In an
 * `any` param an integral number is an int; `float(3)` is the float. Typed params need no
 * wrapper: their declaration decides.
 */
export class Float {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/** `float(3)`: the float 3.0 in an `any` param (hashed as a double, not as the int 3). */
export function float(value: number): Float {
  if (typeof value !== "number") throw new TypeError(`float() takes a number, got ${typeof value}`);
  return new Float(value);
}

/** Display-only annotations; they never enter identifiers. */
export type Tags = Record<string, string | number | boolean>;

/** One configuration or task object, with its resolved parameter values. */
export class ConfigInstance<V extends Record<string, unknown> = Record<string, unknown>> {
  /** The values of every declared param (defaults applied), path generators as PathRef. */
  readonly values: V;
  /** Set when this config is an output of a submitted task (experimaestro marks it with the task). */
  producer: ConfigInstance | undefined;
  /** Init tasks attached at submission; they enter the identifier after the params. */
  initTasks: ConfigInstance[] = [];
  readonly tags: Tags = {};
  /** Cached identifier (hex) once computed without a cycle; the config is then frozen. */
  cachedId: string | undefined;

  constructor(
    readonly type: ConfigType,
    values: V,
  ) {
    this.values = values;
    this.producer = undefined;
  }

  /** Annotates this config for display; returns it for chaining. */
  tag(name: string, value: string | number | boolean): this {
    this.tags[name] = value;
    return this;
  }

  /** Every tag of this config and its sub-configs (nearest wins), for reports and params.json. */
  allTags(): Tags {
    const out: Tags = {};
    collectTags(this, new Set(), out);
    return out;
  }

  /** Sets a param after creation (e.g. to close a reference cycle); refused once the id is known. */
  set(name: string, value: unknown): void {
    if (this.cachedId) throw new Error(`config ${this.type.id} is frozen: its identifier was already computed`);
    const decl = this.type.params[name];
    if (!decl) throw new Error(`${this.type.id} has no param '${name}'`);
    this.type.checkParam(name, value);
    (this.values as Record<string, unknown>)[name] = value;
  }
}

/** A tag that children give different values: it is left out (see `collectTags`). */
const CONFLICT = Symbol("conflicting tag");
type Collected = Map<string, Tags[string] | typeof CONFLICT>;

/**
 * Tags of `v` and everything below it into `out`: a config's own tags win over those below it
 * (its params' configs and, for an output config, the task that produced it, as experimaestro's
 * tag walk enters the task). Values below that disagree (a report over every run of a grid)
 * leave the tag out, where experimaestro keeps the last with a warning. A module function, not a
 * closure per call: allTags runs once per submitted job.
 */
function collectTags(v: unknown, seen: Set<unknown>, out: Tags): void {
  const got: Collected = new Map();
  gather(v, seen, got);
  for (const [name, value] of got) if (value !== CONFLICT) out[name] = value;
}

function gather(v: unknown, seen: Set<unknown>, into: Collected): void {
  if (v === null || typeof v !== "object" || seen.has(v)) return;
  seen.add(v);
  if (v instanceof ConfigInstance) {
    const below: Collected = new Map();
    if (v.producer) gather(v.producer, seen, below);
    for (const child of Object.values(v.values)) gather(child, seen, below);
    for (const [name, value] of Object.entries(v.tags)) below.set(name, value);
    for (const [name, value] of below) merge(into, name, value);
  } else if (Array.isArray(v) || v instanceof Set) for (const x of v) gather(x, seen, into);
  else if (v instanceof Map) for (const x of v.values()) gather(x, seen, into);
  else if (!(v instanceof PathRef)) for (const x of Object.values(v)) gather(x, seen, into);
}

function merge(into: Collected, name: string, value: Tags[string] | typeof CONFLICT): void {
  const had = into.get(name);
  into.set(name, had === undefined || had === value ? value : CONFLICT);
}
