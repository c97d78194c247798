/**
 * The `helper` handed to the user's `run(helper, cfg)`: it records submissions. Submitting the
 * same identifier twice yields one job; a task's dependencies are the submitted tasks whose
 * outputs (or selves) appear in its params. Paths are not hashed, so two submissions that differ
 * only by a path reach one job: that is an error (XPM306), never a silent merge.
 */
import { Codes, XpmError, fail } from "../model/diagnostics.ts";
import { checkSubmission } from "./checks.ts";
import { collectOutputs, type CommandToken, Asset, type ConfigType, type Submitted, type TASK_OUTPUTS } from "../model/config.ts";
import { TASKS_BUNDLE, type CommandWord, type TaskInstance } from "../model/plan.ts";
import { ConfigInstance, PathRef } from "../model/values.ts";
import type { ValueType } from "../model/types.ts";
import { jobName } from "../model/workspace.ts";
import { identifierHex, jobPath } from "../util/identifier.ts";
import { unquotable, type Unquotable } from "../util/shell.ts";
import { Extras, type ActionDecl, type ServiceDecl } from "./extras.ts";
import type { ActionParam } from "../model/actions.ts";
import { paramsJson } from "./params-json.ts";

/** Continuations a resumable task may submit at the time limit, unless it says otherwise. */
const DEFAULT_CONTINUATIONS = 3;

export interface SubmitOptions {
  /** Lightweight tasks run before the task, in the same job; they enter the identifier. */
  initTasks?: ConfigInstance[];
  /** Overrides the task's declared requirements. */
  requirements?: string;
  /** Forces a launcher by id. */
  launcher?: string;
}

interface Submission {
  /** 1 for the first call of submit(), and so on (to name submissions in errors). */
  call: number;
  task: ConfigInstance;
  outputs: unknown;
  record: TaskInstance;
}

/** Records what an experiment submits. */
export class Helper {
  private readonly byKey = new Map<string, Submission>();
  private readonly byObject = new Map<ConfigInstance, Submission>();
  /** The modules that declare the execute tasks and the configs in their params (to bundle). */
  private readonly modules = new Set<string>();
  private calls = 0;
  /** Actions and services (evaluate/extras.ts). */
  readonly extras = new Extras((t) => this.keyOf(t));

  constructor(
    /** The experiment id (from the YAML). */
    readonly experimentId: string,
    /** Whether to serialise each task's params.json (a dry run writes nothing, so skips it). */
    private readonly withParams = true,
  ) {}

  /** Submits a task; returns its outputs (or the task itself when it declares none), typed from its declaration. */
  submit<T extends ConfigInstance & { readonly [TASK_OUTPUTS]: unknown }>(task: T, opts?: SubmitOptions): Submitted<T>;
  submit(task: ConfigInstance, opts: SubmitOptions = {}): unknown {
    if (!(task instanceof ConfigInstance) || task.type.kind !== "task") {
      const what = task instanceof ConfigInstance ? `a ${task.type.id} config` : typeof task;
      fail(Codes.SUBMIT_NOT_TASK, `helper.submit() takes a task created with defineTask, got ${what}`, {
        hint: "declare the type with defineTask(...) and create it with .create({...})",
      });
    }
    const call = ++this.calls;
    const known = this.byObject.get(task);
    if (known) return known.outputs;
    checkSubmission(task, opts.initTasks);
    if (opts.initTasks?.length) task.initTasks = [...opts.initTasks];
    const hash = identifierHex(task);
    const key = `${task.type.hashId}/${hash}`;
    const same = this.byKey.get(key);
    if (same) {
      const clash = firstPathDifference(same.task, task, "", new Set());
      if (clash) this.collision(same, call, clash);
      this.byObject.set(task, same);
      return same.outputs;
    }
    const record = this.record(task, key, hash, opts);
    const submission: Submission = { call, task, outputs: collectOutputs(task), record };
    this.byKey.set(key, submission);
    this.byObject.set(task, submission);
    return submission.outputs;
  }

  /**
   * Records an action: a command run on demand (`experimaestro actions run`) once the jobs whose
   * files it uses (and those in `after`) are done; its typed params are given when it runs.
   */
  addAction<P extends Record<string, ActionParam>>(name: string, action: ActionDecl<P>): void {
    this.extras.addAction(name, action);
  }

  /** Records a service: a long-running process tied to the experiment (started by `normal` mode, or `experimaestro services start`). */
  addService(name: string, service: ServiceDecl): void {
    this.extras.addService(name, service);
  }

  /** The recorded tasks, in submission order. */
  tasks(): TaskInstance[] {
    return [...this.byKey.values()].map((s) => s.record);
  }

  /** The modules to bundle for the execute tasks submitted (absolute paths, sorted). */
  executeModules(): string[] {
    return [...this.modules].sort();
  }

  /** The job key of a submitted task, or undefined. */
  keyOf(task: ConfigInstance): string | undefined {
    const s = this.byObject.get(task);
    if (s) return s.record.key;
    if (task.type.kind !== "task") return undefined;
    const key = `${task.type.hashId}/${identifierHex(task)}`;
    return this.byKey.has(key) ? key : undefined;
  }

  private record(task: ConfigInstance, key: string, hash: string, opts: SubmitOptions): TaskInstance {
    const deps = new Set<string>();
    this.collectDeps(task.values, task, deps, new Set());
    // An init task's own path generators are files of this job, not outputs of another.
    for (const init of task.initTasks) this.collectDeps(init.values, task, deps, new Set(), init);
    const jobPath = `jobs/${key}`;
    const options = task.type.task ?? {};
    const tags = task.allTags();
    return {
      key,
      taskId: task.type.id,
      name: jobName(task.type.id),
      hash,
      jobPath,
      deps: [...deps].sort(),
      command: this.commandOf(task, key, deps),
      initCommands: task.initTasks.map((t) => this.commandOf(t, key, deps, true)),
      params: this.withParams ? paramsJson(task, (t) => this.keyOf(t), jobPath) : undefined,
      tags,
      requirements: opts.requirements ?? options.requirements,
      launcher: opts.launcher,
      retry: { max: options.maxRetries ?? 0, durationFactor: options.retryDurationFactor ?? 1 },
      results: options.results,
      resumable: options.resumable ? (options.resumable === true ? undefined : options.resumable.maxContinuations) ?? DEFAULT_CONTINUATIONS : undefined,
    };
  }

  /** Walks param values: outputs of submitted tasks, and submitted tasks themselves, are dependencies. */
  private collectDeps(value: unknown, self: ConfigInstance, deps: Set<string>, seen: Set<unknown>, owner: ConfigInstance = self): void {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (value instanceof PathRef) {
      // A config's own path generators are not outputs of another job.
      if (value.task === self || value.task === owner) return;
      const key = this.keyOf(value.task);
      if (!key) this.notSubmitted(self, value.task);
      deps.add(key);
      return;
    }
    if (value instanceof ConfigInstance) {
      if (value.producer && value.producer !== self) {
        const key = this.keyOf(value.producer);
        if (!key) this.notSubmitted(self, value.producer);
        deps.add(key);
      }
      if (value !== self && value.type.kind === "task") {
        const key = this.keyOf(value);
        if (key) {
          deps.add(key);
          return;
        }
      }
      for (const v of Object.values(value.values)) this.collectDeps(v, self, deps, seen, value);
      return;
    }
    const items = value instanceof Map ? value.values() : Array.isArray(value) || value instanceof Set ? value : Object.values(value);
    for (const v of items) this.collectDeps(v, self, deps, seen, owner);
  }

  private collision(first: Submission, call: number, d: PathDifference): never {
    const id = first.task.type.id;
    return fail(
      Codes.JOB_COLLISION,
      `${id}: submissions #${first.call} and #${call} reach the same job (${first.record.jobPath}) but differ in '${d.at}': ` +
        `${showPath(d.first)} then ${showPath(d.second)}; paths do not enter identifiers (as in experimaestro), so both would share one job folder`,
      {
        where: { path: `${id}.${d.at}` },
        hint:
          "have the producing task return a config that holds the path, e.g. `outputs: (self) => Checkpoint.create({ path: self.values.model, ... })` " +
          "(with `path: meta(pathType())` in Checkpoint), and take `param(Checkpoint)` here: a config returned by `outputs` carries its producer in the identifier",
      },
    );
  }

  private notSubmitted(self: ConfigInstance, producer: ConfigInstance): never {
    return fail(Codes.SUBMIT_NOT_TASK, `${self.type.id} uses an output of ${producer.type.id}, which was not submitted`, {
      hint: `call helper.submit() on the ${producer.type.id} task before using its outputs`,
    });
  }

  private commandOf(task: ConfigInstance, selfKey: string, deps: Set<string>, init = false): CommandWord[] {
    if (task.type.task?.execute) return this.executeCommand(task, init);
    const build = task.type.task?.command;
    // A task without a command can still be hashed and planned; the plan stage refuses to emit it.
    if (!build) return [];
    const tokens = build(task.values as never);
    if (!Array.isArray(tokens) || tokens.length === 0) {
      fail(Codes.COMMAND_VALUE, `the command of ${task.type.id} must return a non-empty array of words`);
    }
    return tokens.map((t, i) => this.word(t, i, task, selfKey, deps));
  }

  /**
   * An execute task runs its code from the bundle: `bash <node.sh> <tasks.mjs> <task id>` (the
   * launcher finds Node, checks its version, turns source maps on). Its modules are noted for it.
   */
  private executeCommand(task: ConfigInstance, init: boolean): CommandWord[] {
    const id = task.type.id;
    if (init) {
      fail(Codes.COMMAND_VALUE, `${id} has an execute function and is used as an init task: init tasks run as commands`, {
        hint: `give ${id} a \`command\` instead, or make its work part of the task's own execute function`,
      });
    }
    this.noteModules(task, new Set());
    return ["bash", { asset: TASKS_BUNDLE, member: "node.sh" }, { asset: TASKS_BUNDLE, member: "tasks.mjs" }, id];
  }

  /** The declaring modules of a config's type (and its parents) and of every config in its values. */
  private noteModules(value: unknown, seen: Set<unknown>): void {
    if (value === null || typeof value !== "object" || seen.has(value) || value instanceof PathRef) return;
    seen.add(value);
    if (value instanceof ConfigInstance) {
      for (let t: ConfigType | undefined = value.type; t; t = t.parent) this.noteModule(t);
      for (const v of Object.values(value.values)) this.noteModules(v, seen);
      return;
    }
    const items = value instanceof Map ? value.values() : Array.isArray(value) || value instanceof Set ? value : Object.values(value);
    for (const v of items) this.noteModules(v, seen);
  }

  private noteModule(type: ConfigType): void {
    if (type.declaredIn) {
      this.modules.add(type.declaredIn);
      return;
    }
    fail(Codes.BUNDLE_FAILED, `cannot tell which module declares ${type.id}, which an execute task needs in its job`, {
      hint: `declare ${type.id} at the top level of a module (e.g. tasks.ts): the job imports that module to find it`,
    });
  }

  private word(t: CommandToken, i: number, task: ConfigInstance, selfKey: string, deps: Set<string>): CommandWord {
    if (typeof t === "string") {
      const bad = unquotable(t);
      if (bad !== undefined) unquotableWord(task, i, bad);
      return t;
    }
    if (typeof t === "number" || typeof t === "bigint" || typeof t === "boolean") return String(t);
    if (t instanceof Asset) return t.member === undefined ? { asset: t.source } : { asset: t.source, member: t.member };
    if (t instanceof PathRef) {
      if (t.task === task || t.task.type.kind !== "task") return { jobFile: { job: selfKey, rel: t.rel } };
      const key = this.keyOf(t.task);
      if (key && deps.has(key)) return { jobFile: { job: key, rel: t.rel } };
    }
    throw new XpmError({
      code: Codes.COMMAND_VALUE,
      message: `word ${i} of the command of ${task.type.id} is not a string, number, boolean, path or asset (${describe(t)})`,
      hint: "pass values through the task's params and use them in the command; outputs of other tasks must be params",
    });
  }
}

/** The param path (`a.b.0`) of the first string in `value` that contains `needle`, or undefined. */
function pathOf(value: unknown, needle: string, path: string[] = [], seen = new Set<unknown>()): string | undefined {
  if (typeof value === "string") return value.includes(needle) ? path.join(".") : undefined;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  const entries = value instanceof ConfigInstance ? Object.entries(value.values) : value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value].entries() : Object.entries(value);
  for (const [k, v] of entries) {
    const found = pathOf(v, needle, [...path, String(k)], seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A command word no script can carry (a NUL, an unpaired surrogate): refused, naming the param it came from. */
function unquotableWord(task: ConfigInstance, i: number, bad: Unquotable): never {
  const param = pathOf(task.values, bad.char);
  return fail(Codes.UNQUOTABLE, `${param !== undefined ? `param '${param}' of ${task.type.id}` : `word ${i} of the command of ${task.type.id}`} holds ${bad.reason}, which no command argument can carry`, {
    where: param !== undefined ? { path: param } : {},
    hint: param !== undefined ? `remove it from the value of '${param}' (write binary data to a file and pass its path instead)` : "remove it from the command the task builds",
  });
}

function describe(v: unknown): string {
  if (v instanceof ConfigInstance) return `a ${v.type.id} config`;
  if (v instanceof PathRef) return `a path of ${v.task.type.id} that is not among the params`;
  return v === null ? "null" : typeof v;
}

/** Where two submissions of one job hold different unhashed paths. */
interface PathDifference {
  at: string;
  first: unknown;
  second: unknown;
}

/**
 * The first path-typed param (in name order, through sub-configs, lists and dicts) where two
 * configs with the same identifier differ. Meta params are knobs: the first submission's win.
 */
function firstPathDifference(a: ConfigInstance, b: ConfigInstance, at: string, seen: Set<ConfigInstance>): PathDifference | undefined {
  if (a === b || seen.has(a)) return undefined;
  seen.add(a);
  for (const name of Object.keys(a.type.params).sort()) {
    const kind = a.type.params[name]!.kind;
    if (kind === "meta" || kind === "pathgen") continue;
    const d = valueDifference(a.values[name], b.values[name], a.type.paramType(name), `${at}${name}`, seen);
    if (d) return d;
  }
  for (let i = 0; i < a.initTasks.length && i < b.initTasks.length; i++) {
    const d = firstPathDifference(a.initTasks[i]!, b.initTasks[i]!, `${at}(init task ${i}).`, seen);
    if (d) return d;
  }
  return undefined;
}

function valueDifference(x: unknown, y: unknown, t: ValueType, at: string, seen: Set<ConfigInstance>): PathDifference | undefined {
  switch (t.kind) {
    case "optional":
      return valueDifference(x, y, t.inner, at, seen);
    case "path":
      return samePath(x, y) ? undefined : { at, first: x, second: y };
    case "config":
    case "any":
      return x instanceof ConfigInstance && y instanceof ConfigInstance ? firstPathDifference(x, y, `${at}.`, seen) : undefined;
    case "list":
      if (!Array.isArray(x) || !Array.isArray(y)) return undefined;
      for (let i = 0; i < x.length && i < y.length; i++) {
        const d = valueDifference(x[i], y[i], t.item, `${at}.${i}`, seen);
        if (d) return d;
      }
      return undefined;
    case "dict": {
      if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return undefined;
      const ys = y instanceof Map ? y : new Map(Object.entries(y));
      for (const [k, v] of x instanceof Map ? x.entries() : Object.entries(x)) {
        const d = valueDifference(v, ys.get(k), t.value, `${at}.${String(k)}`, seen);
        if (d) return d;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function samePath(x: unknown, y: unknown): boolean {
  if (x instanceof PathRef && y instanceof PathRef) {
    return x.rel === y.rel && (x.task === y.task || (x.task.type.hashId === y.task.type.hashId && identifierHex(x.task) === identifierHex(y.task)));
  }
  return (x ?? null) === (y ?? null);
}

function showPath(v: unknown): string {
  if (v instanceof PathRef) return v.task.type.kind === "task" ? `${jobPath(v.task)}/${v.rel}` : JSON.stringify(v.rel);
  return v === null || v === undefined ? "no path" : JSON.stringify(String(v));
}
