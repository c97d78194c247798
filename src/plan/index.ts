/**
 * plan: the evaluated tasks as a DAG (graphlib), checked for cycles and for tasks that cannot
 * run, in a stable topological order: among ready jobs, the smallest (task id, hash) first.
 */
import { Graph, alg } from "@dagrejs/graphlib";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { Evaluated, Plan, PlannedJob, TaskInstance } from "../model/plan.ts";
import { MinHeap } from "./heap.ts";


function compareJobs(a: TaskInstance, b: TaskInstance): number {
  if (a.taskId !== b.taskId) return a.taskId < b.taskId ? -1 : 1;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

/** Builds the plan; throws XpmError listing every problem found. */
export function plan(evaluated: Evaluated): Plan {
  const byKey = new Map(evaluated.tasks.map((t) => [t.key, t]));
  const graph = new Graph({ directed: true });
  const problems: Diagnostic[] = [];
  for (const t of evaluated.tasks) {
    graph.setNode(t.key);
    if (t.command.length === 0 && !problems.some((p) => p.message.startsWith(`task ${t.taskId} `))) {
      problems.push({
        code: Codes.COMMAND_VALUE,
        message: `task ${t.taskId} has no command, so its job cannot run`,
        hint: "give defineTask(...) a `command: (p) => [...]` option",
      });
    }
  }
  for (const t of evaluated.tasks) {
    for (const d of t.deps) {
      if (!byKey.has(d)) throw new Error(`internal: ${t.key} depends on unknown job ${d}`);
      graph.setEdge(d, t.key);
    }
  }
  if (!alg.isAcyclic(graph)) {
    for (const cycle of alg.findCycles(graph)) {
      problems.push({ code: Codes.DAG_CYCLE, message: `jobs depend on each other in a cycle: ${cycle.join(" -> ")}` });
    }
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
    jobs.push({ ...next, index: jobs.length, dependents });
    for (const child of dependents) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(byKey.get(child)!);
    }
  }
  return { experimentId: evaluated.experimentId, jobs };
}
