/**
 * What `helper.addAction` and `helper.addService` record (model/actions.ts): the command as
 * words (job files of submitted tasks, project assets, action params), and for an action the
 * jobs it needs — those whose files its command uses, and those named in `after`.
 */
import { ACTION_PARAM_TYPES, ActionParamRef, EXTRA_NAME, type ActionParam, type ActionRecord, type ActionWord, type ServiceRecord } from "../model/actions.ts";
import { Asset, type CommandToken } from "../model/config.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import type { CommandWord } from "../model/plan.ts";
import { ConfigInstance, PathRef } from "../model/values.ts";

export type ActionToken = CommandToken | ActionParamRef;

export interface ActionDecl<P extends Record<string, ActionParam>> {
  description?: string;
  /** Typed params, given when the action runs (`--answer name=value`, asked, or the default). */
  params?: P;
  /** Submitted tasks (or their outputs) that must be done first, beyond those whose files the command uses. */
  after?: unknown[];
  command: (params: { [K in keyof P]: ActionParamRef }) => ActionToken[];
}

export interface ServiceDecl {
  description?: string;
  /** The command; `{port}` in a word is replaced by a free port when the service starts. */
  command: CommandToken[];
  /** Where to reach it once started, e.g. `http://127.0.0.1:{port}/`. */
  url?: string;
}

/** Records actions and services; `keyOf` gives a submitted task's job key. */
export class Extras {
  readonly actions: ActionRecord[] = [];
  readonly services: ServiceRecord[] = [];

  constructor(private readonly keyOf: (task: ConfigInstance) => string | undefined) {}

  addAction<P extends Record<string, ActionParam>>(name: string, decl: ActionDecl<P>): void {
    this.checkName("action", name, this.actions);
    const params = (decl.params ?? {}) as P;
    for (const [p, d] of Object.entries(params)) checkParam(name, p, d);
    const refs = Object.fromEntries(Object.keys(params).map((p) => [p, new ActionParamRef(p)])) as { [K in keyof P]: ActionParamRef };
    const needs = new Set<string>();
    const command = this.words(`action ${name}`, decl.command(refs), needs, new Set(Object.keys(params)));
    for (const item of decl.after ?? []) this.collect(`action ${name}`, item, needs, new Set());
    this.actions.push({ name, description: decl.description, params, command, needs: [...needs].sort() });
  }

  addService(name: string, decl: ServiceDecl): void {
    this.checkName("service", name, this.services);
    const command = this.words(`service ${name}`, decl.command, new Set(), new Set()) as CommandWord[];
    this.services.push({ name, description: decl.description, command, url: decl.url });
  }

  private checkName(kind: string, name: string, known: readonly { name: string }[]): void {
    if (typeof name !== "string" || !EXTRA_NAME.test(name)) fail(Codes.USAGE, `${kind} name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-'`, { hint: `helper.add${kind === "action" ? "Action" : "Service"}("best-model", {...})` });
    if (known.some((k) => k.name === name)) fail(Codes.USAGE, `two ${kind}s are named '${name}'`, { hint: "give each a name of its own" });
  }

  private words(what: string, tokens: ActionToken[], needs: Set<string>, params: Set<string>): ActionWord[] {
    if (!Array.isArray(tokens) || tokens.length === 0) fail(Codes.COMMAND_VALUE, `the command of ${what} must be a non-empty array of words`);
    return tokens.map((t, i) => {
      if (typeof t === "string") return t;
      if (typeof t === "number" || typeof t === "bigint" || typeof t === "boolean") return String(t);
      if (t instanceof Asset) return t.member === undefined ? { asset: t.source } : { asset: t.source, member: t.member };
      if (t instanceof ActionParamRef && params.has(t.name)) return { param: t.name };
      if (t instanceof PathRef && t.task.type.kind === "task") {
        const key = this.keyOf(t.task);
        if (key) {
          needs.add(key);
          return { jobFile: { job: key, rel: t.rel } };
        }
      }
      return fail(Codes.COMMAND_VALUE, `word ${i} of the command of ${what} is not a string, number, boolean, asset, action param or path of a submitted task`, {
        hint: "use the outputs of submitted tasks (their paths), asset(...) files and the action's own params",
      });
    });
  }

  /** Adds the jobs behind `value` (a submitted task, an output of one, lists and records of them). */
  private collect(what: string, value: unknown, needs: Set<string>, seen: Set<unknown>): void {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const task = value instanceof PathRef ? value.task : value instanceof ConfigInstance ? (value.type.kind === "task" ? value : value.producer) : undefined;
    if (task) {
      const key = this.keyOf(task);
      if (!key) fail(Codes.SUBMIT_NOT_TASK, `${what}: 'after' names ${task.type.id}, which was not submitted`, { hint: "submit the task with helper.submit() first" });
      needs.add(key);
      return;
    }
    if (value instanceof ConfigInstance) return;
    for (const v of Array.isArray(value) ? value : Object.values(value)) this.collect(what, v, needs, seen);
  }
}

function checkParam(action: string, name: string, d: ActionParam): void {
  if (!EXTRA_NAME.test(name) || !d || !(ACTION_PARAM_TYPES as readonly string[]).includes(d.type)) {
    fail(Codes.USAGE, `action ${action}: param '${name}' needs a type among ${ACTION_PARAM_TYPES.join(", ")}`, { hint: `params: { ${name}: { type: "path", question: "Where?", default: "best.json" } }` });
  }
}
