/**
 * The plan diff in words: one block per task that changed, one line per kind of change (jobs
 * with the same change share a line), the assets, and a one-line total.
 *
 * ```
 * grid.Train (6 jobs)
 *   6 changed: epochs 200 → 300
 * grid.Evaluate (6 jobs)
 *   6 re-identified: depends on 6 changed Train jobs
 * total: 6 changed, 7 re-identified, 0 unchanged (13 → 13 jobs)
 * ```
 */
import { formatBytes, formatDuration } from "../util/format.ts";
import type { JobDiff, PlanDiff } from "./index.ts";
import { showChange, showValue, type ValueChange } from "./values.ts";

/** Lines of change kinds shown per task; the rest is counted (the JSON has everything). */
const MAX_GROUPS = 6;
const MAX_LABELS = 3;
const MAX_PARAMS = 3;
const MAX_RESOURCES = 4;

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const short = (task: string) => task.slice(task.lastIndexOf(".") + 1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `a changed Train`, `6 changed Evaluate jobs`, joined with "and". */
function jobsOf(word: string, tasks: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => (n === 1 ? `a${word === "added" ? "n" : ""} ${word} ${short(t)}` : `${n} ${word} ${short(t)} jobs`)).join(" and ");
}

function showResource(c: ValueChange): string {
  const fmt = (v: unknown) => {
    if (Array.isArray(v)) return `[${v.join(" ")}]`;
    if (typeof v !== "number") return typeof v === "string" && c.path !== "requirements" ? v : showValue(v);
    if (c.path === "memory") return formatBytes(v);
    if (c.path === "duration") return formatDuration(v);
    return String(v);
  };
  return `${c.path} ${fmt(c.before)} → ${fmt(c.after)}`;
}

/** What changed in a job, in a few words (empty for added and removed jobs). */
export function describe(j: JobDiff): string {
  const items: string[] = [];
  if (j.params.length) {
    const params = [...j.params.slice(0, MAX_PARAMS).map(showChange), ...(j.params.length > MAX_PARAMS ? [`+${j.params.length - MAX_PARAMS} more`] : [])].join(", ");
    // Same identifier, other values: the job folder is the same, so a done job is not run again.
    items.push(j.kind === "updated" ? `${params} (not hashed: done jobs are kept)` : params);
  }
  if (j.command) items.push(`command ${showValue(j.command.before)} → ${showValue(j.command.after)}`);
  if (j.parents.changed.length) items.push(`depends on ${jobsOf("changed", j.parents.changed)}`);
  if (j.parents.added.length) items.push(`depends on ${jobsOf("added", j.parents.added)}`);
  if (j.parents.removed.length) items.push(`no longer depends on ${jobsOf("removed", j.parents.removed)}`);
  if (j.resources.length) items.push([...j.resources.slice(0, MAX_RESOURCES).map(showResource), ...(j.resources.length > MAX_RESOURCES ? [`+${j.resources.length - MAX_RESOURCES} more`] : [])].join(", "));
  if (j.tags.length) items.push(j.tags.map(showChange).join(", "));
  if (j.assets.length) items.push(`uses changed ${j.assets.join(", ")}`);
  if (j.script) items.push("script changed (environment or template)");
  if (j.kind === "re-identified" && !items.length) items.push("no param differs");
  return items.join("; ");
}

const byLabel = new Intl.Collator("en", { numeric: true });

function labels(jobs: readonly JobDiff[]): string {
  const shown = jobs
    .map((j) => j.label)
    .sort(byLabel.compare)
    .slice(0, MAX_LABELS);
  return [...shown, ...(jobs.length > MAX_LABELS ? [`+${jobs.length - MAX_LABELS} more`] : [])].join(", ");
}

/** One task's lines: a header, then one line per kind of change. */
function taskLines(t: PlanDiff["tasks"][number], jobs: readonly JobDiff[]): string[] {
  const groups = new Map<string, JobDiff[]>();
  for (const j of jobs) push(groups, `${j.kind}\0${describe(j)}`, j);
  const counts = t.before === t.after ? plural(t.after, "job") : `${t.before} → ${plural(t.after, "job")}`;
  const lines = [`${t.task} (${counts})`];
  const all = [...groups.values()];
  for (const group of all.slice(0, MAX_GROUPS)) {
    const { kind } = group[0]!;
    const what = describe(group[0]!);
    // Every job of the task has this change: naming them says nothing.
    const who = kind !== "added" && kind !== "removed" && group.length === t.after ? "" : labels(group);
    let line = `  ${group.length} ${kind}`;
    if (what) line += `: ${what}`;
    if (who) line += what ? ` (${who})` : `: ${who}`;
    lines.push(line);
  }
  const rest = all.slice(MAX_GROUPS).flat();
  if (rest.length) lines.push(`  ... and ${plural(rest.length, "more job")} with other changes (--json lists them)`);
  return lines;
}

function assetLines(diff: PlanDiff): string[] {
  if (!diff.assets.length) return [];
  const lines = ["assets (project files)"];
  for (const change of ["changed", "added", "removed"] as const) {
    const paths = diff.assets.filter((a) => a.change === change).map((a) => a.path);
    if (paths.length) lines.push(`  ${change}: ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? `, +${paths.length - 5} more` : ""}`);
  }
  // A job folder is named by params, not by the files its command runs: worth saying once.
  if (diff.jobs.some((j) => j.kind === "updated" && j.assets.length)) lines.push("  (identifiers do not cover project files: jobs already done will not run again)");
  return lines;
}

/** The one-line total. */
export function totalLine(diff: PlanDiff): string {
  const t = diff.total;
  const sizes = diff.before.jobs === diff.after.jobs ? plural(diff.after.jobs, "job") : `${diff.before.jobs} → ${diff.after.jobs} jobs`;
  if (diff.same) return `no difference: ${sizes}, same identifiers, params, resources, scripts and assets`;
  const parts = (["changed", "re-identified", "added", "removed", "updated"] as const).filter((k) => t[k]).map((k) => `${t[k]} ${k}`);
  const assets = t.assets ? `; ${plural(t.assets, "asset file")} changed` : "";
  return `total: ${[...parts, `${t.unchanged} unchanged`].join(", ")} (${sizes})${assets}`;
}

/** The summary as lines: per task, assets, total. */
export function formatSummary(diff: PlanDiff): string[] {
  const byTask = new Map<string, JobDiff[]>();
  for (const j of diff.jobs) push(byTask, j.task, j);
  const lines: string[] = [];
  for (const t of diff.tasks) {
    const jobs = byTask.get(t.task);
    if (jobs) lines.push(...taskLines(t, jobs));
  }
  return [...lines, ...assetLines(diff), totalLine(diff)];
}
