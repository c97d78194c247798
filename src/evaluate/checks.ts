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

/** Where a task's params reach the task itself (or its outputs, or its own job's files), or undefined. */
function findSelf(task: ConfigInstance, value: unknown, at: string, seen: Set<unknown>): { at: string; what: string } | undefined {
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  if (value === task) return { at, what: "the task itself" };
  if (value instanceof PathRef) return value.task === task ? { at, what: `a path of its own job (${value.rel})` } : undefined;
  if (value instanceof ConfigInstance) {
    if (value.producer === task) return { at, what: `an output of the task (a ${value.type.id} config)` };
    // Another task is another job: a cycle through it is the plan's to report.
    if (value.type.kind === "task") return undefined;
    for (const [name, v] of Object.entries(value.values)) {
      const found = findSelf(task, v, `${at}.${name}`, seen);
      if (found) return found;
    }
    return undefined;
  }
  const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Array.isArray(value) || value instanceof Set ? [...value].entries() : Object.entries(value);
  for (const [k, v] of entries) {
    const found = findSelf(task, v, `${at}.${String(k)}`, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * A task whose params (or init tasks) hold itself would be its own dependency: its job would
 * wait for, or read, its own results. Its path generators are its own files.
 */
function checkSelfDependency(task: ConfigInstance, initTasks: readonly unknown[]): void {
  const seen = new Set<unknown>();
  const found =
    firstSelf(task, Object.entries(task.values).filter(([name]) => task.type.params[name]?.kind !== "pathgen"), seen) ??
    firstSelf(task, initTasks.flatMap((init, i) => Object.entries((init as ConfigInstance).values).map(([k, v]): [string, unknown] => [`initTasks.${i}.${k}`, v])), seen);
  if (!found) return;
  const id = task.type.id;
  fail(Codes.SELF_DEPENDENCY, `${id} depends on itself: '${found.at}' holds ${found.what}`, {
    where: { path: `${id}.${found.at}` },
    hint: found.at.startsWith("initTasks.")
      ? `an init task runs in ${id}'s job: a file it writes there is a pathGen("...") param of the init task itself`
      : `a task cannot use its own results: a file it writes is a pathGen("...") param, and the result of an earlier ${id} is the output of that other, submitted task`,
  });
}

function firstSelf(task: ConfigInstance, entries: [string, unknown][], seen: Set<unknown>): { at: string; what: string } | undefined {
  for (const [at, value] of entries) {
    const found = findSelf(task, value, at, seen);
    if (found) return found;
  }
  return undefined;
}

/** Checks a submission before it is hashed (one call, in Helper.submit). */
export function checkSubmission(task: ConfigInstance, initTasks: unknown): void {
  if (initTasks !== undefined) checkInitTasks(task, initTasks);
  checkSelfDependency(task, (initTasks as unknown[] | undefined) ?? []);
}
