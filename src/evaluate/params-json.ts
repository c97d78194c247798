/**
 * params.json: the resolved parameter values of a job, for humans and for the command itself.
 * Keys are sorted; paths are relative to the job directory; sub-configs carry their type and id.
 */
import { ConfigInstance, Float, PathRef, type ConfigInstance as CI} from "../model/values.ts";
import { identifierHex } from "../util/identifier.ts";
import { jobToJob } from "../util/relpath.ts";

type KeyOf = (task: CI) => string | undefined;

/*
 * Printed directly, with the bytes `JSON.stringify(document, null, 2)` would give for the
 * document of plain values: at 100,000 jobs, building that document first cost ~1.3 s of a
 * re-prepare. Values are not converted first; keys go through one object per container, so
 * that their order (JavaScript puts integer-like keys first) is the engine's own, as it is for
 * JSON.stringify. test/unit/params-reference.ts builds that document the plain way, and the
 * tests hold the two to the same output.
 */

const INDENT: string[] = [""];
function indent(depth: number): string {
  while (INDENT.length <= depth) INDENT.push(`${INDENT[INDENT.length - 1]}  `);
  return INDENT[depth]!;
}

/** A map or plain object as an object with its keys sorted (values unconverted). */
function sortedObject(v: object): Record<string, unknown> {
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return Object.fromEntries(entries.map(([k, x]) => [String(k), x]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
}

/**
 * One document being printed into `out` (joined once at the end: a join makes one flat
 * string, where `+=` would leave 100,000 documents as ropes of small pieces in memory).
 */
class Printer {
  readonly out: string[] = [];
  private readonly onPath = new Set<CI>();
  constructor(
    private readonly task: CI,
    private readonly keyOf: KeyOf,
    private readonly jobPath: string,
  ) {}

  /** Whether JSON.stringify prints `v` in an object (it omits functions, symbols and undefined). */
  static printable(v: unknown): boolean {
    const t = typeof v;
    return t !== "function" && t !== "symbol";
  }

  /** Prints a value at `depth` (a value that is not printable prints as null, as in an array). */
  value(v: unknown, depth: number): void {
    const out = this.out;
    if (v === null || v === undefined) return void out.push("null");
    switch (typeof v) {
      case "string":
        return void out.push(JSON.stringify(v));
      case "number":
        return void out.push(Number.isFinite(v) ? String(v) : "null");
      case "boolean":
        return void out.push(v ? "true" : "false");
      case "bigint":
        // Every digit: an int64 beyond 2^53 must reach the job exactly (JSON numbers have no size limit).
        return void out.push(String(v));
      case "object":
        break;
      default:
        return void out.push("null");
    }
    if (v instanceof PathRef) {
      if (v.task === this.task) return void out.push(JSON.stringify(v.rel));
      const key = this.keyOf(v.task);
      return void out.push(JSON.stringify(key ? jobToJob(this.jobPath, `jobs/${key}`, v.rel) : v.rel));
    }
    if (v instanceof ConfigInstance) return this.config(v, depth);
    if (v instanceof Float) return this.value(v.value, depth);
    if (Array.isArray(v) || v instanceof Set) return this.array(v, depth);
    return this.plain(sortedObject(v), depth);
  }

  private config(c: CI, depth: number): void {
    if (this.onPath.has(c)) return this.plain({ $ref: identifierHex(c) }, depth);
    this.onPath.add(c);
    const out: Record<string, unknown> = { $type: c.type.id, $id: identifierHex(c) };
    for (const name of Object.keys(c.values).sort()) {
      if (c.type.params[name]?.kind === "pathgen" && c !== this.task) continue;
      out[name] = c.values[name];
    }
    this.plain(out, depth);
    this.onPath.delete(c);
  }

  private array(items: Iterable<unknown>, depth: number): void {
    const out = this.out;
    const inner = indent(depth + 1);
    let first = true;
    for (const x of items) {
      out.push(first ? "[\n" : ",\n", inner);
      first = false;
      this.value(x, depth + 1);
    }
    out.push(first ? "[]" : `\n${indent(depth)}]`);
  }

  /** An object whose keys are in the order to print (the engine's own property order). */
  plain(o: Record<string, unknown>, depth: number): void {
    const out = this.out;
    const inner = indent(depth + 1);
    let first = true;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const v = o[k];
      if (!Printer.printable(v)) continue;
      out.push(first ? "{\n" : ",\n", inner, JSON.stringify(k), ": ");
      first = false;
      this.value(v, depth + 1);
    }
    out.push(first ? "{}" : `\n${indent(depth)}}`);
  }
}

/**
 * params.json text of a task (with its final newline): what the job is, never who asked for it.
 * Tags are not in it: a job folder is shared by every experiment that submits the job, and each
 * keeps its own tags in its manifest.
 */
export function paramsJson(task: CI, keyOf: KeyOf, jobPath: string): string {
  const p = new Printer(task, keyOf, jobPath);
  p.plain({ task: task.type.id, identifier: identifierHex(task), params: task }, 0);
  p.out.push("\n");
  return p.out.join("");
}
