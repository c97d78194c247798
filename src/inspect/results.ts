/**
 * `experimaestro results`: one row per job whose task declares a result file (`results:
 * "metrics.json"` in defineTask) and that wrote it; columns: the job, its tags, then the file's
 * fields (nested objects flattened as `a.b`). A field named like a tag is left out when it holds
 * the tag's value, and shown as `results.<name>` otherwise. Rendered as Markdown, CSV or JSON.
 */
import { Codes, fail } from "../model/diagnostics.ts";
import type { Filter } from "../util/filter.ts";
import { matches } from "../util/filter.ts";
import { isObject } from "./experimaestro.ts";
import type { XpInfo, XpJob } from "./xpinfo.ts";

export type Cell = string | number | boolean | null;

export interface ResultsTable {
  columns: string[];
  rows: Record<string, Cell>[];
  /** Jobs that declare a result file but have not written it (yet): they are not in the table. */
  missing: XpJob[];
}

export const FORMATS = ["markdown", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

function flatten(v: unknown, prefix: string, out: Record<string, Cell>): void {
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(v)) out[prefix] = JSON.stringify(v);
  else out[prefix] = v === undefined ? null : (v as Cell);
}

function row(job: XpJob): Record<string, Cell> {
  const fields: Record<string, Cell> = {};
  flatten(job.results, "", fields);
  const out: Record<string, Cell> = { job: job.label, ...job.tags };
  for (const [k, v] of Object.entries(fields)) {
    if (!Object.hasOwn(job.tags, k) && k !== "job") out[k] = v;
    else if (out[k] !== v) out[`results.${k}`] = v;
  }
  return out;
}

function compare(a: Cell | undefined, b: Cell | undefined): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** The table of an experiment's results; `sort` is a column, `column:desc` for descending. */
export function resultsTable(info: XpInfo, opts: { filter?: Filter | undefined; sort?: string | undefined } = {}): ResultsTable {
  const declared = info.jobs.filter((j) => j.resultsFile !== undefined);
  if (!declared.length) {
    fail(Codes.NO_RESULTS, `no task of experiment '${info.experiment}' declares a result file`, {
      hint: 'declare the JSON file a task writes in its folder: defineTask("my.Task", {...}, { results: "metrics.json", ... }), then prepare again',
    });
  }
  const withFile = declared.filter((j) => isObject(j.results));
  const rows = withFile.filter((j) => !opts.filter || matches(opts.filter, { state: j.state, task: j.task, tags: { ...(row(j) as Record<string, string | number | boolean>), ...j.tags }, params: j.params, ...(j.state === "failed" && j.detail ? { reason: j.detail } : {}) })).map(row);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (opts.sort !== undefined) {
    const [column, order] = opts.sort.split(":") as [string, string | undefined];
    if (!columns.includes(column) || (order !== undefined && order !== "asc" && order !== "desc")) {
      fail(Codes.USAGE, `--sort ${opts.sort}: ${columns.includes(column) ? "the order is asc or desc" : `no column '${column}'`}`, { hint: `columns: ${columns.join(", ")}; e.g. --sort ${columns[columns.length - 1] ?? "mse"}:desc` });
    }
    rows.sort((a, b) => (order === "desc" ? -1 : 1) * compare(a[column], b[column]));
  }
  return { columns, rows, missing: declared.filter((j) => !isObject(j.results)) };
}

function text(v: Cell | undefined): string {
  return v === undefined || v === null ? "" : String(v);
}

function csvCell(v: Cell | undefined): string {
  const s = text(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as text in one of the formats. */
export function renderResults(table: ResultsTable, format: Format): string {
  const { columns, rows } = table;
  if (format === "json") return JSON.stringify(rows, null, 2);
  if (format === "csv") return [columns.map(csvCell).join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\n");
  const md = (v: Cell | undefined) => text(v).replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${columns.map(md).join(" | ")} |`, `|${columns.map(() => "---|").join("")}`, ...rows.map((r) => `| ${columns.map((c) => md(r[c])).join(" | ")} |`)].join("\n");
}
