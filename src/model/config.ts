/**
 * `defineConfig` / `defineTask`: typed declarations of configurations and tasks, and the
 * validated construction of their instances.
 */
import { sourceStack } from "../util/stack.ts";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { checkLightweight, projectFileInPath } from "./declaration-checks.ts";
import { Codes, XpmError, type Diagnostic } from "./diagnostics.ts";
import type { ExecuteFunction } from "./execute.ts";
import type { ParamDecl } from "./params.ts";
import { checkValue, describeSchema, markSchema, numbersForBigints, worthChecking, type ValueType } from "./types.ts";
import { ConfigInstance, PathRef } from "./values.ts";
import { didYouMean } from "../util/text.ts";

export type ConfigKind = "config" | "task" | "instance" | "lightweight";
export type Params = Record<string, ParamDecl>;

/** What a command may contain: literals, paths (job-relative once emitted) and project files. */
export type CommandToken = string | number | bigint | boolean | PathRef | Asset;

/**
 * A file or folder of the user's project, copied into the workspace (content-addressed) so that
 * jobs use no path outside it. `member` names a file inside a folder asset.
 */
export class Asset {
  constructor(
    readonly source: string,
    readonly member: string | undefined = undefined,
  ) {}
  /** A file inside this folder asset: `scripts.file("train.mjs")`. */
  file(member: string): Asset {
    return new Asset(this.source, member);
  }
}

/**
 * Declares a project file or folder that commands use:
 * `asset(new URL("./train.mjs", import.meta.url))`, or a whole folder (so scripts can import
 * their neighbours) with `asset(new URL("./scripts/", import.meta.url)).file("train.mjs")`.
 */
export function asset(file: URL | string): Asset {
  const path = file instanceof URL ? decodeURIComponent(file.pathname) : file;
  if (!path.startsWith("/")) throw new Error(`asset(): give a URL or an absolute path, got '${path}'`);
  return new Asset(path.replace(/\/+$/, ""));
}

export interface TaskOptions<V, O = unknown> {
  /** The command line (argv); the job script shows it as is and needs only bash at run time. */
  command?: (values: V) => CommandToken[];
  /**
   * Or the task's code, run by Node inside the job: the task modules are bundled into the
   * workspace at prepare (`assets/<digest>/tasks.mjs`). It receives the resolved values (paths
   * absolute) and a context (folders, progress, cancellation signal, logger).
   */
  execute?: ExecuteFunction<V>;
  /** Resource requirements, e.g. `duration=2h & cpu(cores=4, mem=8GiB)`. */
  requirements?: string;
  /** What `helper.submit` returns; configs created here are marked as produced by the task. */
  outputs?: (self: ConfigInstance<V & Record<string, unknown>>) => O;
  /** false: outputs are plain configs, not marked by the task (experimaestro `TaskWithOutput`). */
  outputsDep?: boolean;
  /** The local runner reruns a failed or timed-out job up to this many times (default 0). */
  maxRetries?: number;
  /** Each retry's time limit is the previous one times this factor (default 1). */
  retryDurationFactor?: number;
  /**
   * experimaestro's `ResumableTask`: the task checkpoints and can be run again from where it
   * stopped. On a scheduler that declares continuations (SLURM), a job stopped by the time
   * limit's early warning (`ctx.signal` for execute tasks, SIGUSR1 for commands) submits its own
   * next run in the same folder, up to `maxContinuations` times (default 3); its dependents
   * wait for the last run. Elsewhere, and after the last continuation, it ends `timeout`.
   */
  resumable?: boolean | { maxContinuations?: number };
  /** A JSON file the job writes in its folder (e.g. `metrics.json`): its fields are read by `experimaestro results`. */
  results?: string;
}

export interface ConfigOptions {
  kind?: ConfigKind;
  parent?: ConfigType;
}

type ValueOfDecl<D> = D extends ParamDecl<infer T, boolean> ? T : never;
type RequiredKeys<P> = { [K in keyof P]: P[K] extends ParamDecl<unknown, false> ? K : never }[keyof P];
/** The resolved values of a config with params P. */
export type ValuesOf<P> = { [K in keyof P]: ValueOfDecl<P[K]> };
/** What `create` accepts: required params, and optional ones that have a default or are optional. */
export type CreateArgs<P> = { [K in RequiredKeys<P>]: ValueOfDecl<P[K]> } & {
  [K in Exclude<keyof P, RequiredKeys<P>>]?: ValueOfDecl<P[K]>;
};

/** A declared configuration or task type. */
export interface ConfigType<V extends Record<string, unknown> = Record<string, unknown>> {
  /** The type id as declared (`mnist_xp.learn.Learn`). */
  readonly id: string;
  /** Lower-cased id, used in identifiers and job paths. */
  readonly hashId: string;
  readonly kind: ConfigKind;
  /** Own and inherited params. */
  readonly params: Params;
  readonly parent: ConfigType | undefined;
  /** A zod schema accepting instances of this type (or of a subtype). */
  readonly schema: z.ZodType<ConfigInstance<V>>;
  readonly task: TaskOptions<never> | undefined;
  /** The module that declared the type (absolute path), when it could be told from the stack. */
  readonly declaredIn: string | undefined;
  /** The value type of each param, computed lazily (declarations may refer to each other). */
  paramType(name: string): ValueType;
  create(values: Record<string, unknown>, opts?: CreateOptions): ConfigInstance<V>;
  /** Checks a value for a param as create() does; throws an XpmError listing the problems. */
  checkParam(name: string, value: unknown): void;
  isSubtypeOf(other: ConfigType): boolean;
}

export interface CreateOptions {
  /** Allow required params to be missing, to be given later with `instance.set` (reference cycles). */
  partial?: boolean;
}

/**
 * The configuration types with their create() typed from the params (the untyped create of
 * ConfigType is left out: as a second overload, it would accept any values).
 */
export type TypedConfigType<P extends Params> = Omit<ConfigType<ValuesOf<P>>, "create" | "params"> & {
  /** Own and inherited params, as declared. */
  readonly params: P;
  create(values: CreateArgs<P>, opts?: CreateOptions): ConfigInstance<ValuesOf<P>>;
  /** experimaestro spelling of create. */
  C(values: CreateArgs<P>): ConfigInstance<ValuesOf<P>>;
};

/** Type-level only (no such value exists): the key under which a task instance carries what submitting it returns. */
export declare const TASK_OUTPUTS: unique symbol;
/** Type-level only: the outputs of a task that declares no `outputs` (submitting it returns the task itself). */
export declare const SELF_OUTPUTS: unique symbol;
export type SelfOutputs = typeof SELF_OUTPUTS;

/**
 * A task instance: a config that `helper.submit` accepts, returning `O`. The property is a
 * brand for the type checker (it does not exist at run time): a plain config is not a task.
 */
export type TaskConfig<V extends Record<string, unknown> = Record<string, unknown>, O = unknown> = ConfigInstance<V> & { readonly [TASK_OUTPUTS]: O };

/** What `helper.submit(task)` returns: the task's outputs, or the task itself when it declares none. */
export type Submitted<T> = T extends { readonly [TASK_OUTPUTS]: infer O } ? ([O] extends [SelfOutputs] ? T : O) : never;

/** The task types, with create() typed from the params and the instance typed with its outputs. */
export type TypedTaskType<P extends Params, O = SelfOutputs> = Omit<ConfigType<ValuesOf<P>>, "create" | "params"> & {
  /** Own and inherited params, as declared. */
  readonly params: P;
  create(values: CreateArgs<P>, opts?: CreateOptions): TaskConfig<ValuesOf<P>, O>;
  /** experimaestro spelling of create. */
  C(values: CreateArgs<P>): TaskConfig<ValuesOf<P>, O>;
};

/** What defineTask takes besides the id and params. */
export type TaskDeclaration<V, O> = TaskOptions<V, O> & { parent?: ConfigType; lightweight?: boolean };

/** Every declared type by id (the last declaration of an id wins), for the job runtime of `execute` tasks. */
const registry = new Map<string, ConfigType>();

/** The type declared with this id, if any. */
export function declaredType(id: string): ConfigType | undefined {
  return registry.get(id);
}

/** experimaestro-ts's own code (src/, and bin/ that calls it): frames there are not the user's declarations. */
const OWN_ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const OWN_CODE = [`${OWN_ROOT}/src/`, `${OWN_ROOT}/bin/`];
let trackDeclarations = true;

/** Stops recording where types are declared (the job runtime does not need it, and stacks cost there). */
export function stopTrackingDeclarations(): void {
  trackDeclarations = false;
}

/** The file of one stack frame (`at f (file:///a/b.ts:1:2)`, `at /a/b.js:1:2`), or undefined (node:internal, native). */
function frameFile(line: string): string | undefined {
  const m = /^\s*at (?:.*\()?(.+?):\d+:\d+\)?$/.exec(line);
  const where = m?.[1];
  if (!where) return undefined;
  if (where.startsWith("file://")) return fileURLToPath(where);
  return where.startsWith("/") ? where : undefined;
}

/**
 * The module being evaluated when a type is declared: past experimaestro-ts's own frames, the
 * outermost of the frames that follow, up to Node's own or ours again (the module loader, our
 * evaluate), or up to a package's frame calling the project's code (a test runner). So a
 * library helper that wraps defineTask is passed over for the module that calls it.
 */
function declaringModule(): string | undefined {
  if (!trackDeclarations) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = sourceStack(new Error().stack ?? "");
  Error.stackTraceLimit = limit;
  const own = (file: string) => OWN_CODE.some((dir) => file.startsWith(dir));
  let found: string | undefined;
  for (const line of stack.split("\n").slice(1)) {
    const file = frameFile(line);
    // A builtin's frame (`at Array.map (<anonymous>)`) is passed over; Node's own ends the search.
    if (file === undefined && !line.includes("(node:") && !/ at node:/.test(line)) continue;
    if (found === undefined && file !== undefined && own(file)) continue;
    if (file === undefined || own(file) || (found !== undefined && !found.includes("/node_modules/") && file.includes("/node_modules/"))) break;
    found = file;
  }
  return found;
}

/** While a task's `outputs` runs, configs created there are marked with that task. */
let currentProducer: ConfigInstance | undefined;

/** Calls a task's outputs function, marking configs it creates (unless outputsDep is false). */
export function collectOutputs(task: ConfigInstance): unknown {
  const opts = task.type.task;
  if (!opts?.outputs) return task;
  const previous = currentProducer;
  currentProducer = opts.outputsDep === false ? undefined : task;
  try {
    return opts.outputs(task as ConfigInstance<never>);
  } finally {
    currentProducer = previous;
  }
}

function defaultValue(decl: ParamDecl): unknown {
  if (!decl.default) return undefined;
  return "factory" in decl.default ? decl.default.factory() : decl.default.value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid input: /, "");
}

/** Dotted identifiers, as in Python: they name folders and files and reach scheduler headers. */
const TYPE_ID = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

class ConfigTypeImpl implements ConfigType {
  readonly hashId: string;
  readonly params: Params;
  readonly schema: z.ZodType<ConfigInstance>;
  private readonly types = new Map<string, ValueType>();
  /** Per param: whether its values need checkValue (they can hold ints, `any` or nested paths). */
  private readonly checked = new Map<string, boolean>();
  readonly declaredIn: string | undefined = declaringModule();

  constructor(
    readonly id: string,
    ownParams: Params,
    readonly kind: ConfigKind,
    readonly parent: ConfigType | undefined,
    readonly task: TaskOptions<never> | undefined,
  ) {
    if (!TYPE_ID.test(id)) {
      throw new XpmError({
        code: Codes.DECLARATION,
        message: `'${id}' is not a valid type id`,
        hint: "use a dotted identifier such as my_project.learn.Learn (letters, digits, '_' and '.')",
      });
    }
    checkTaskOptions(id, task);
    checkLightweight(id, kind, task);
    this.hashId = id.toLowerCase();
    this.params = { ...(parent?.params ?? {}), ...ownParams };
    registry.set(id, this);
    this.schema = markSchema(
      z.custom<ConfigInstance>((v) => v instanceof ConfigInstance && v.type.isSubtypeOf(this), {
        message: `expected a ${id} config`,
      }),
      { kind: "config", type: () => this },
    );
  }

  isSubtypeOf(other: ConfigType): boolean {
    for (let t: ConfigType | undefined = this; t; t = t.parent) if (t === other) return true;
    return false;
  }

  paramType(name: string): ValueType {
    let t = this.types.get(name);
    if (!t) {
      const decl = this.params[name];
      if (!decl) throw new Error(`${this.id} has no param ${name}`);
      t = describeSchema(decl.schema);
      this.types.set(name, t);
    }
    return t;
  }

  checkParam(name: string, value: unknown): void {
    const problems: Diagnostic[] = [];
    if (!this.check(name, this.params[name]!, value, problems)) throw new XpmError(problems);
  }

  /**
   * Checks a given value as experimaestro would refuse it (null in a required param, an int
   * beyond int64, a path inside a container), then against the declared zod schema.
   */
  private check(name: string, decl: ParamDecl, value: unknown, problems: Diagnostic[]): boolean {
    const t = this.paramType(name);
    if (value === null && t.kind !== "optional" && !decl.default) {
      problems.push({
        code: Codes.NULL_REQUIRED,
        message: `${this.id}: required param '${name}' cannot be null`,
        where: { path: `${this.id}.${name}` },
        hint: `give '${name}' a value, or declare it .nullable() so that null means unset`,
      });
      return false;
    }
    let bigints = false;
    if (mayHoldProblems(value) && this.worthChecking(name, t)) {
      const found = checkValue(value, t, decl.kind === "param" || decl.kind === "constant");
      for (const p of found.problems) {
        const path = [name, ...p.at].join(".");
        problems.push({ code: p.code, message: `${this.id}: param '${path}': ${p.message}`, where: { path: `${this.id}.${path}` }, hint: p.hint });
      }
      if (found.problems.length) return false;
      bigints = found.bigintAtInt;
    }
    let checked = decl.schema.safeParse(value);
    if (!checked.success && bigints) checked = decl.schema.safeParse(numbersForBigints(value, t));
    if (checked.success) return true;
    const projectFile = projectFileInPath(this.id, name, t, value);
    if (projectFile) {
      problems.push(projectFile);
      return false;
    }
    for (const issue of checked.error.issues) {
      const path = [name, ...issue.path.map(String)].join(".");
      problems.push({
        code: Codes.PARAM_TYPE,
        message: `${this.id}: param '${path}' ${describeIssue(issue)}, got ${preview(value, issue.path)}`,
        where: { path: `${this.id}.${path}` },
        hint: `fix the value of '${path}'`,
      });
    }
    return false;
  }

  private worthChecking(name: string, t: ValueType): boolean {
    let w = this.checked.get(name);
    if (w === undefined) {
      w = worthChecking(t);
      this.checked.set(name, w);
    }
    return w;
  }

  C(values: Record<string, unknown>): ConfigInstance {
    return this.create(values);
  }

  /** Keys given that are not params, or that cannot be set (constants, path generators). */
  private unknownKeys(given: Record<string, unknown>, problems: Diagnostic[]): void {
    const names = Object.keys(this.params);
    for (const key of Object.keys(given)) {
      const decl = this.params[key];
      if (!decl) {
        const guess = didYouMean(key, names);
        problems.push({
          code: Codes.PARAM_UNKNOWN,
          message: `${this.id} has no param '${key}'`,
          where: { path: `${this.id}.${key}` },
          hint: guess ? `did you mean '${guess}'?` : `declared params: ${names.join(", ") || "(none)"}`,
        });
      } else if (decl.kind === "constant" || decl.kind === "pathgen") {
        problems.push({
          code: Codes.PARAM_UNKNOWN,
          message: `${this.id}.${key} is a ${decl.kind === "constant" ? "constant" : "path generator"} and cannot be set`,
          where: { path: `${this.id}.${key}` },
          hint: `remove '${key}' from the values`,
        });
      }
    }
  }

  create(given: Record<string, unknown>, opts: CreateOptions = {}): ConfigInstance {
    const problems: Diagnostic[] = [];
    this.unknownKeys(given, problems);
    const values: Record<string, unknown> = {};
    const instance = new ConfigInstance(this, values);
    for (const [name, decl] of Object.entries(this.params)) {
      if (decl.kind === "pathgen") {
        values[name] = new PathRef(instance, decl.relPath!);
        continue;
      }
      let value = decl.kind === "constant" ? defaultValue(decl) : given[name];
      if (value === undefined) value = defaultValue(decl);
      if (value === undefined) {
        const t = this.paramType(name);
        if (t.kind === "optional") {
          values[name] = null;
          continue;
        }
        if (opts.partial) continue;
        problems.push({
          code: Codes.PARAM_MISSING,
          message: `${this.id}: required param '${name}' is missing`,
          where: { path: `${this.id}.${name}` },
          hint: `give '${name}' a value`,
        });
        continue;
      }
      if (this.check(name, decl, value, problems)) values[name] = value;
    }
    if (problems.length) throw new XpmError(problems);
    if (currentProducer) instance.producer = currentProducer;
    return instance;
  }
}

/** A task has a command or an execute function, not both. */
function checkTaskOptions(id: string, task: TaskOptions<never> | undefined): void {
  if (!task) return;
  for (const key of ["command", "execute", "outputs"] as const) {
    if (task[key] !== undefined && typeof task[key] !== "function") {
      throw new XpmError({ code: Codes.DECLARATION, message: `${id}: '${key}' must be a function, got ${typeof task[key]}`, hint: `${key}: (p) => ...` });
    }
  }
  if (task.command && task.execute) {
    throw new XpmError({
      code: Codes.DECLARATION,
      message: `${id} has both a command and an execute function`,
      hint: "keep one: `command` (argv, reviewable in the job script, needs only bash) or `execute` (TypeScript run by Node in the job)",
    });
  }
}

/** A string, boolean or plain number is fine as is: only containers, bigints and integers past 2^53 need checkValue. */
function mayHoldProblems(v: unknown): boolean {
  switch (typeof v) {
    case "object":
    case "bigint":
      return v !== null;
    case "number":
      return Number.isInteger(v) && !Number.isSafeInteger(v);
    default:
      return false;
  }
}

function preview(value: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = value;
  for (const k of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  if (v instanceof ConfigInstance) return `a ${v.type.id} config`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** Declares a configuration type (experimaestro `Config`). */
export function defineConfig<P extends Params>(id: string, params: P, opts: ConfigOptions = {}): TypedConfigType<P> {
  return new ConfigTypeImpl(id, params, opts.kind ?? "config", opts.parent, undefined) as unknown as TypedConfigType<P>;
}

/**
 * Declares a task type (experimaestro `Task`): a config that becomes a job when submitted. The
 * job runs `command` (an argv) or `execute` (TypeScript); `helper.submit` returns what
 * `outputs` returns, typed (the task itself when there is no `outputs`).
 */
export function defineTask<P extends Params, O = SelfOutputs>(id: string, params: P, opts: TaskDeclaration<ValuesOf<P>, O> = {}): TypedTaskType<P, O> {
  const { parent, lightweight, ...task } = opts;
  return new ConfigTypeImpl(id, params, lightweight ? "lightweight" : "task", parent, task as TaskOptions<never>) as unknown as TypedTaskType<P, O>;
}
