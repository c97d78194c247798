/**
 * Checks of a submission that would otherwise fail late or obscurely: `initTasks` entries that
 * are not lightweight configs (XPM310), and a task whose params hold the task itself, a config
 * it produces, or a path of its own job (XPM311).
 */
import { Codes, fail } from "../model/diagnostics.ts";
import { ConfigInstance, PathRef } from "../model/values.ts";

function describe(v: unknown): string {
  if (v instanceof ConfigInstance) return `a ${v.type.id} ${v.type.kind === "task" ? "task" : "config"}`;
  if (v === null || v === undefined) return String(v);
  return Array.isArray(v) ? "an array" : typeof v === "object" ? "an object that is not a config" : `the ${typeof v} ${JSON.stringify(v) ?? String(v)}`;
}

/** The init tasks of a submission, checked: an array of lightweight configs. */
function checkInitTasks(task: ConfigInstance, initTasks: unknown): void {
  const id = task.type.id;
  if (!Array.isArray(initTasks)) {
    fail(Codes.INIT_TASK_INVALID, `helper.submit(${id}): initTasks must be an array of lightweight configs, got ${describe(initTasks)}`, {
      where: { path: `${id}.initTasks` },
      hint: "write `{ initTasks: [Loader.create({...})] }`, even for one",
    });
  }
  initTasks.forEach((entry, i) => {
    if (entry instanceof ConfigInstance && entry.type.kind === "lightweight") return;
    const isTask = entry instanceof ConfigInstance && entry.type.kind === "task";
    fail(Codes.INIT_TASK_INVALID, `helper.submit(${id}): initTasks[${i}] is ${describe(entry)}, not a lightweight config`, {
      where: { path: `${id}.initTasks.${i}` },
      hint: isTask
        ? `a task runs as its own job: submit ${(entry as ConfigInstance).type.id} with helper.submit() and pass it (or its outputs) in ${id}'s params to depend on it`
        : entry instanceof ConfigInstance
          ? `an init task runs before ${id} in its job: declare ${entry.type.id} with defineTask(id, params, { lightweight: true, command: (p) => [...] })`
          : "give lightweight configs created with .create({...}) (declared with defineTask(id, params, { lightweight: true, command })); check the value is defined here",
    });
  });
}

/** A walk of a task's params: the task, and the objects already seen (made on the first container). */
interface Walk {
  task: ConfigInstance;
  seen: Set<unknown> | undefined;
}

/**
 * What in `value` is the task itself, an output of it or a path of its own job, or undefined;
 * `path` holds the keys down to `value` (left as they are when found). It runs at every submit,
 * so it allocates nothing for plain values, and stops at other tasks (another job: a cycle
 * through it is the plan's to report) and at configs already hashed (frozen before this task
 * could be put in them).
 */
function findSelf(w: Walk, value: unknown, path: string[]): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (value === w.task) return "the task itself";
  if (value instanceof PathRef) return value.task === w.task ? `a path of its own job (${value.rel})` : undefined;
  if (value instanceof ConfigInstance) {
    if (value.producer === w.task) return `an output of the task (a ${value.type.id} config)`;
    if (value.type.kind === "task" || value.cachedId !== undefined) return undefined;
  }
  const seen = (w.seen ??= new Set());
  if (seen.has(value)) return undefined;
  seen.add(value);
  const children: Iterable<[unknown, unknown]> =
    value instanceof ConfigInstance ? Object.entries(value.values) : value instanceof Map ? value : Array.isArray(value) || value instanceof Set ? [...value].entries() : Object.entries(value);
  for (const [k, v] of children) {
    path.push(String(k));
    const found = findSelf(w, v, path);
    if (found) return found;
    path.pop();
  }
  return undefined;
}

/**
 * A task whose params (or init tasks) hold itself would be its own dependency: its job would
 * wait for, or read, its own results. Its path generators are its own files.
 */
function checkSelfDependency(task: ConfigInstance, initTasks: readonly unknown[]): void {
  const w: Walk = { task, seen: undefined };
  const path: string[] = [];
  let found: string | undefined;
  for (const name in task.values) {
    if (task.type.params[name]?.kind === "pathgen") continue;
    path.push(name);
    if ((found = findSelf(w, task.values[name], path))) break;
    path.pop();
  }
  for (let i = 0; !found && i < initTasks.length; i++) {
    path.push("initTasks", String(i));
    found = findSelf(w, initTasks[i], path);
    if (!found) path.length = 0;
  }
  if (!found) return;
  const id = task.type.id;
  const at = path.join(".");
  fail(Codes.SELF_DEPENDENCY, `${id} depends on itself: '${at}' holds ${found}`, {
    where: { path: `${id}.${at}` },
    hint: at.startsWith("initTasks.")
      ? `an init task runs in ${id}'s job: a file it writes there is a pathGen("...") param of the init task itself`
      : `a task cannot use its own results: a file it writes is a pathGen("...") param, and the result of an earlier ${id} is the output of that other, submitted task`,
  });
}

/** Checks a submission before it is hashed (one call, in Helper.submit). */
export function checkSubmission(task: ConfigInstance, initTasks: unknown): void {
  if (initTasks !== undefined) checkInitTasks(task, initTasks);
  checkSelfDependency(task, (initTasks as unknown[] | undefined) ?? []);
}
