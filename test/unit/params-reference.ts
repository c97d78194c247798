/**
 * The params.json document of a task built the plain way (JSON values first, then
 * JSON.stringify): the reference the direct printer of src/evaluate/params-json.ts is held to.
 * JSON.stringify cannot print a bigint, so the document holds it as a marked string that
 * `paramsText` turns back into its digits.
 */
import { ConfigInstance, Float, PathRef, type ConfigInstance as CI} from "../../src/model/values.ts";
import { identifierHex } from "../../src/util/identifier.ts";
import { jobToJob } from "../../src/util/relpath.ts";

type KeyOf = (task: CI) => string | undefined;

const BIGINT = "\u0000bigint:";

/** The params.json text of a document: JSON.stringify with two spaces, bigints as their digits. */
export function paramsText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2).replace(/"\\u0000bigint:(-?\d+)\\u0000bigint:"/g, "$1")}\n`;
}

/** The params.json document of a task (as plain JSON values). */
export function paramsDocument(task: CI, keyOf: KeyOf, jobPath: string): unknown {
  const onPath = new Set<CI>();
  const toJson = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return `${BIGINT}${v}${BIGINT}`;
    if (typeof v !== "object") return v;
    if (v instanceof Float) return v.value;
    if (v instanceof PathRef) {
      if (v.task === task) return v.rel;
      const key = keyOf(v.task);
      return key ? jobToJob(jobPath, `jobs/${key}`, v.rel) : v.rel;
    }
    if (v instanceof ConfigInstance) {
      if (onPath.has(v)) return { $ref: identifierHex(v) };
      onPath.add(v);
      const out: Record<string, unknown> = { $type: v.type.id, $id: identifierHex(v) };
      for (const name of Object.keys(v.values).sort()) {
        if (v.type.params[name]?.kind === "pathgen" && v !== task) continue;
        out[name] = toJson(v.values[name]);
      }
      onPath.delete(v);
      return out;
    }
    if (Array.isArray(v) || v instanceof Set) return [...v].map(toJson);
    const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
    return Object.fromEntries(entries.map(([k, x]) => [String(k), toJson(x)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
  };
  const doc: Record<string, unknown> = { task: task.type.id, identifier: identifierHex(task) };
  doc.params = toJson(task);
  return doc;
}
