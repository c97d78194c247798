/**
 * view/report: one self-contained HTML page for an experiment — the DAG (our SVG, inlined), a
 * table of jobs sortable and filterable by state, task and tag, each job's stderr tail and links
 * to its `.out`/`.err`, the results table when given, and when it was generated. Pure: values in,
 * one string out. The page fetches nothing: CSS, script and SVG are inline, and a
 * Content-Security-Policy (`default-src 'none'`) forbids any request but the links a reader
 * follows (relative paths, valid from wherever the report file sits in the workspace).
 *
 * Hooks for tests and scripts: rows are `<tr class="job" data-key data-state data-task
 * data-tags>` (tags as `name=value` words), graph nodes as documented in svg.ts; filters are
 * `#f-state`, `#f-task`, `#f-tag`; `#f-count` says how many rows are shown.
 */
import { cleanText, xmlAttr, xmlText } from "./escape.ts";
import { STATE_STYLES, STATES, normalizeState, type GraphJob } from "./graph.ts";
import { REPORT_CSS, REPORT_SCRIPT } from "./report-assets.ts";
import { toSvg } from "./svg.ts";
import { clock } from "../util/format.ts";

/** One job as the report shows it (the CLI reads these from the manifest and the job folders). */
export interface ReportJob extends GraphJob {
  /** `task/hash8`. */
  label: string;
  launcher: string;
  backend: string;
  /** Resources as one short line (`cpus=1 mem=1GiB time=0:10:00`). */
  resources: string;
  schedulerId?: string | undefined;
  /** Seconds the job ran (ended jobs) or has been running, when known. */
  seconds?: number | undefined;
  /** When the job ended (ISO 8601), when known. */
  endedAt?: string | undefined;
  /** Why it ended badly: `failed (exit 3)`, `timeout (exit 143)`, `blocked by …`. */
  exitReason?: string | undefined;
  /** The last lines of its stderr (empty when there is none). */
  stderrTail: string[];
  /** Links to `.out` / `.err`, relative to the report file. */
  outHref: string;
  errHref: string;
}

export type ResultCell = string | number | boolean | null;

/** A results table (the `results` command's): columns in order, one record per row. */
export interface ReportResults {
  columns: readonly string[];
  rows: readonly Readonly<Record<string, ResultCell>>[];
}

export interface ReportInput {
  experiment: string;
  /** When the report was made (ISO 8601): the one non-reproducible byte of the page. */
  generatedAt: string;
  /** The workspace as shown to the reader (optional). */
  workspace?: string;
  jobs: readonly ReportJob[];
  /** The results table; its section is left out when undefined. */
  results?: ReportResults | undefined;
}

const esc = (s: string) => xmlText(cleanText(s));

function tagWords(tags: GraphJob["tags"]): string[] {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${String(tags[k])}`);
}

/** The page. */
export function renderReport(input: ReportInput): string {
  const counts = countStates(input.jobs);
  const summary = counts.map(([s, n]) => `<span class="pill st-${s.replace(/ /g, "-")}">${esc(s)} ${n}</span>`).join(" ");
  const svg = toSvg(input.jobs, { title: `${input.experiment}: ${input.jobs.length} jobs`, idPrefix: "plan" });
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`experimaestro report: ${input.experiment}`)}</title>`,
    `<style>${REPORT_CSS}${stateCss()}</style></head><body>`,
    `<header><h1>Experiment <code>${esc(input.experiment)}</code></h1>`,
    `<p class="meta">Generated <time id="generated" datetime="${xmlAttr(input.generatedAt)}">${esc(input.generatedAt)}</time>${input.workspace ? ` from <code>${esc(input.workspace)}</code>` : ""} · ${input.jobs.length} jobs · ${summary}</p></header>`,
    `<section id="plan"><h2>Plan</h2><div class="graph">${svg}</div></section>`,
    jobsSection(input.jobs),
    resultsSection(input.results),
    `<footer>experimaestro-ts report · open from the workspace (or a copy of it) for the log links to work</footer>`,
    `<script>${REPORT_SCRIPT}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}

function countStates(jobs: readonly ReportJob[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const j of jobs) {
    const s = normalizeState(j.state);
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return [...STATES, "unknown"].filter((s) => m.has(s)).map((s) => [s, m.get(s)!]);
}

function stateCss(): string {
  return Object.entries(STATE_STYLES)
    .map(([s, st]) => `.st-${s.replace(/ /g, "-")}{background:${st.fill};color:${st.text};border-color:${st.stroke}}`)
    .join("");
}

const COLUMNS: Array<[string, string]> = [
  ["state", "State"],
  ["task", "Task"],
  ["id", "Job"],
  ["tags", "Tags"],
  ["launcher", "Launcher"],
  ["resources", "Resources"],
  ["scheduler", "Scheduler id"],
  ["duration", "Duration"],
  ["reason", "Exit reason"],
  ["logs", "Logs (stderr tail)"],
];

/** The jobs table with its filters. */
function jobsSection(jobs: readonly ReportJob[]): string {
  const states = [...new Set(jobs.map((j) => normalizeState(j.state)))];
  const tasks = [...new Set(jobs.map((j) => j.task))].sort();
  const tags = [...new Set(jobs.flatMap((j) => tagWords(j.tags)))].sort();
  const option = (v: string) => `<option value="${xmlAttr(v)}">${esc(v)}</option>`;
  return [
    `<section id="jobs"><h2>Jobs</h2>`,
    `<form class="filters" onsubmit="return false">`,
    `<label>State <select id="f-state"><option value="">all</option>${[...STATES, "unknown"].filter((s) => states.includes(s as never)).map(option).join("")}</select></label>`,
    `<label>Task <select id="f-task"><option value="">all</option>${tasks.map(option).join("")}</select></label>`,
    `<label>Tag <input id="f-tag" list="tag-values" placeholder="lr=0.1 seed" autocomplete="off"></label>`,
    `<datalist id="tag-values">${tags.map(option).join("")}</datalist>`,
    `<span id="f-count">${jobs.length} of ${jobs.length} jobs</span></form>`,
    `<table id="jobs-table"><thead><tr>${COLUMNS.map(([k, t]) => `<th data-col="${k}" title="sort">${esc(t)}</th>`).join("")}</tr></thead>`,
    `<tbody>`,
    ...jobs.map(jobRow),
    `</tbody></table></section>`,
  ].join("\n");
}

function cell(col: string, html: string, sortValue?: string | number): string {
  return `<td class="c-${col}"${sortValue !== undefined ? ` data-v="${xmlAttr(String(sortValue))}"` : ""}>${html}</td>`;
}

function jobRow(j: ReportJob): string {
  const state = normalizeState(j.state);
  const words = tagWords(j.tags);
  // A failure's or a block's detail is in the exit reason column.
  const stateText = j.detail && !j.exitReason ? `${j.state} (${j.detail})` : j.state;
  const ended = j.endedAt ? `ended ${j.endedAt.replace("T", " ").replace("Z", " UTC")}` : "";
  const duration = j.seconds !== undefined ? `${clock(j.seconds)}${ended ? `, ${ended}` : ""}` : ended || "—";
  const last = j.stderrTail.length ? j.stderrTail[j.stderrTail.length - 1]! : "";
  const logs =
    `<a href="${xmlAttr(j.outHref)}">out</a> · <a href="${xmlAttr(j.errHref)}">err</a>` +
    (j.stderrTail.length ? `<details><summary>${esc(last.slice(0, 120))}</summary><pre>${esc(j.stderrTail.join("\n"))}</pre></details>` : "");
  return [
    `<tr class="job" data-key="${xmlAttr(j.key)}" data-state="${xmlAttr(state)}" data-task="${xmlAttr(j.task)}" data-tags="${xmlAttr(words.join(" "))}">`,
    cell("state", `<span class="pill st-${state.replace(/ /g, "-")}">${esc(stateText)}</span>`, state),
    cell("task", esc(j.task), j.task),
    cell("id", `<code title="${xmlAttr(j.key)}">${esc(j.hash.slice(0, 8))}</code>`, j.hash),
    cell("tags", words.map((w) => `<span class="tag">${esc(w)}</span>`).join(" "), words.join(" ")),
    cell("launcher", `${esc(j.launcher)} <small>(${esc(j.backend)})</small>`, j.launcher),
    cell("resources", esc(j.resources), j.resources),
    cell("scheduler", esc(j.schedulerId ?? ""), j.schedulerId ?? ""),
    cell("duration", esc(duration), j.seconds ?? -1),
    cell("reason", esc(j.exitReason ?? ""), j.exitReason ?? ""),
    cell("logs", logs),
    `</tr>`,
  ].join("");
}

/** The results section: a table of the given rows, or nothing at all when there are none. */
export function resultsSection(results: ReportResults | undefined): string {
  if (!results || results.rows.length === 0) return "";
  const text = (v: ResultCell | undefined) => (v === undefined || v === null ? "" : String(v));
  const head = results.columns.map((c) => `<th data-col="${xmlAttr(c)}" title="sort">${esc(c)}</th>`).join("");
  const rows = results.rows.map((r) => `<tr>${results.columns.map((c) => `<td data-v="${xmlAttr(text(r[c]))}">${esc(text(r[c]))}</td>`).join("")}</tr>`);
  return [`<section id="results"><h2>Results</h2>`, `<table id="results-table" class="sortable"><thead><tr>${head}</tr></thead><tbody>`, ...rows, `</tbody></table></section>`].join("\n");
}
