/**
 * plan: the evaluated tasks as a DAG in a stable topological order (Kahn's algorithm; among
 * ready jobs, the smallest (task id, hash) first), checked for tasks that cannot run. A cycle
 * leaves jobs out of that order; graphlib then finds and names it.
 */
import { Graph, alg } from "@dagrejs/graphlib";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import { copyTask, type Evaluated, type Plan, type PlannedJob, type TaskInstance } from "../model/plan.ts";
import { MinHeap } from "./heap.ts";

function compareJobs(a: TaskInstance, b: TaskInstance): number {
  if (a.taskId !== b.taskId) return a.taskId < b.taskId ? -1 : 1;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

/** Builds the plan; throws XpmError listing every problem found. */
export function plan(evaluated: Evaluated): Plan {
  const byKey = new Map(evaluated.tasks.map((t) => [t.key, t]));
  const problems: Diagnostic[] = [];
  const noCommand = new Set<string>();
  for (const t of evaluated.tasks) {
    if (t.command.length === 0 && !noCommand.has(t.taskId)) {
      noCommand.add(t.taskId);
      problems.push({
        code: Codes.COMMAND_VALUE,
        message: `task ${t.taskId} has no command, so its job cannot run`,
        hint: "give defineTask(...) a `command: (p) => [...]` option",
      });
    }
    for (const d of t.deps) if (!byKey.has(d)) throw new Error(`internal: ${t.key} depends on unknown job ${d}`);
  }
  if (problems.length) throw new XpmError(problems);

  // Kahn's algorithm; among ready jobs the smallest (task id, hash) goes first.
  const children = new Map<string, string[]>();
  for (const t of evaluated.tasks) {
    for (const d of t.deps) {
      const list = children.get(d);
      if (list) list.push(t.key);
      else children.set(d, [t.key]);
    }
  }
  const indegree = new Map(evaluated.tasks.map((t) => [t.key, t.deps.length]));
  const ready = new MinHeap<TaskInstance>((a, b) => compareJobs(a, b) < 0);
  for (const t of evaluated.tasks) if (t.deps.length === 0) ready.push(t);
  const jobs: PlannedJob[] = [];
  for (let next = ready.pop(); next; next = ready.pop()) {
    const dependents = (children.get(next.key) ?? []).sort();
    jobs.push(Object.assign(copyTask(next), { index: jobs.length, dependents }));
    for (const child of dependents) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(byKey.get(child)!);
    }
  }
  // Kahn's order leaves out jobs on a cycle; graphlib then names the cycles.
  if (jobs.length < evaluated.tasks.length) throw new XpmError(cycles(evaluated.tasks));
  return { experimentId: evaluated.experimentId, jobs };
}

function cycles(tasks: readonly TaskInstance[]): Diagnostic[] {
  const graph = new Graph({ directed: true });
  for (const t of tasks) {
    graph.setNode(t.key);
    for (const d of t.deps) graph.setEdge(d, t.key);
  }
  return alg.findCycles(graph).map((cycle) => ({ code: Codes.DAG_CYCLE, message: `jobs depend on each other in a cycle: ${cycle.join(" -> ")}`, hint: "a task cannot use, directly or not, its own outputs" }));
}
