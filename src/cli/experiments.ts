/** `experimaestro experiments list` and `experimaestro results <workspace> <experiment-id>`. */
import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { experimentRows, type ExperimentRow } from "../inspect/experiments.ts";
import { FORMATS, renderResults, resultsTable, type Format } from "../inspect/results.ts";
import { xpInfo } from "../inspect/xpinfo.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { displayPath } from "../util/text.ts";
import { last, type Parsed } from "./args.ts";
import { chosenWorkspace, filterOf, onlyOptions, readView, statesOf } from "./jobs.ts";
import type { Out } from "./shared.ts";

function when(t: number | undefined): string {
  if (t === undefined) return "never";
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function counts(r: ExperimentRow): string {
  return Object.entries(r.counts)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

/** One line per experiment: id [host], done/total, counts by state, last prepare and last run. */
function experimentLines(rows: readonly ExperimentRow[]): string[] {
  const cells = rows.map((r) => [
    `${r.id}${r.hostname ? ` [${r.hostname}]` : ""}${r.tool === "experimaestro-ts" ? "" : ` (${r.tool === "both" ? "experimaestro-ts and experimaestro" : "experimaestro"})`}`,
    `${r.counts.done ?? 0}/${r.jobs} done`,
    counts(r) || "no jobs",
    when(r.lastPrepare),
    when(r.lastRun),
  ]);
  const header = ["experiment", "jobs", "states", "last prepare", "last run"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells].map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join("  "));
}

export function experimentsCommand(p: Parsed, out: Out, err: Out): number {
  const [sub, ...rest] = p.positional;
  if (sub !== "list") fail(Codes.USAGE, sub ? `unknown experiments command '${sub}'` : "experiments needs a command", { hint: "experimaestro experiments list [--workdir DIR] [--json]" });
  onlyOptions(p, "experiments list", ["--workdir", "--workspace", "--xpm-config-dir", "--json", "--help"]);
  if (rest.length) fail(Codes.USAGE, `experiments list takes no argument ('${rest[0]}')`, { hint: "experimaestro experiments list --workdir DIR" });
  const ws = chosenWorkspace(p, err);
  const rows = experimentRows(readView(ws, err));
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  if (p.flags.has("--json")) out(JSON.stringify(rows.map((r) => ({ ...r, hostname: r.hostname ?? null, lastPrepare: iso(r.lastPrepare), lastRun: iso(r.lastRun) })), null, 2));
  else if (!rows.length) out(`no experiments in ${displayPath(ws)}`);
  else for (const l of experimentLines(rows)) out(l);
  return 0;
}

/** The results table of an experiment: tags and the fields of each job's declared result file. */
export async function resultsCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  onlyOptions(p, "results", ["--format", "--filter", "--sort", "--xpm-config-dir", "--help"]);
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, "results takes a workspace and an experiment id", { hint: "experimaestro results ./workspace my-experiment [--format markdown|csv|json]" });
  const format = (last(p, "--format") ?? "markdown") as Format;
  if (!FORMATS.includes(format)) fail(Codes.USAGE, `--format ${format}: the formats are ${FORMATS.join(", ")}`, { hint: "for example --format csv" });
  const workspace = resolvePath(ws);
  if (!existsSync(workspace)) fail(Codes.WORKSPACE_UNKNOWN, `no workspace at ${ws}`, { hint: "the first argument is the workspace folder (e.g. --workdir of run-experiment)" });
  const filter = await filterOf(p);
  const table = resultsTable(xpInfo(workspace, id, statesOf(workspace)), { filter, sort: last(p, "--sort") });
  out(renderResults(table, format));
  if (table.missing.length) {
    const by = new Map<string, number>();
    for (const j of table.missing) by.set(j.state, (by.get(j.state) ?? 0) + 1);
    err(`${table.missing.length} job${table.missing.length === 1 ? " has" : "s have"} no results yet: ${[...by].map(([s, n]) => `${n} ${s}`).join(", ")}`);
  }
  return 0;
}
