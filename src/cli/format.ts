/** How plans and states are shown: the dry-run listing, the status table, a launcher's host. Pure. */
import type { ResolvedJob } from "../model/plan.ts";
import { stateLabel, type JobState } from "../model/state.ts";
import { jobLabel, type JobProgress } from "../model/workspace.ts";
import { formatBytes, formatDuration } from "../util/format.ts";
import type { JobStatus } from "../submit/status.ts";

/** A parsed host requirement as one line: `cpus=4 mem=16GiB time=4:00:00 gpus=2 (gpu 24GiB)`. */
export function formatHost(h: { cores: number; memory: number | undefined; duration: number | undefined; accelerators: { type: string; memory: number | undefined }[] }): string {
  const parts = [`cpus=${h.cores}`];
  if (h.memory !== undefined) parts.push(`mem=${formatBytes(h.memory)}`);
  if (h.duration !== undefined) parts.push(`time=${formatDuration(h.duration)}`);
  if (h.accelerators.length) {
    const kinds = [...new Set(h.accelerators.map((a) => `${a.type}${a.memory !== undefined ? ` ${formatBytes(a.memory)}` : ""}`))];
    parts.push(`gpus=${h.accelerators.length} (${kinds.join(", ")})`);
  }
  return parts.join(" ");
}

/** Resources as one short line: `cpus=1 mem=4GiB time=1:00:00 gpus=0 partition=gpu`. */
export function formatResources(job: ResolvedJob): string {
  const r = job.resources;
  const parts = [`cpus=${r.cpus}`];
  if (r.memory !== undefined) parts.push(`mem=${formatBytes(r.memory)}`);
  if (r.duration !== undefined) parts.push(`time=${formatDuration(r.duration)}`);
  if (r.gpus) parts.push(`gpus=${r.gpus}`);
  for (const k of Object.keys(r.options).sort()) parts.push(`${k}=${r.options[k]}`);
  return parts.join(" ");
}

const labelOf = (j: ResolvedJob) => jobLabel({ task: j.taskId, hash: j.hash });

/** The dry-run listing: one block per job, in plan order, with its state on disk. */
export function formatPlan(jobs: readonly ResolvedJob[], stateOf: (job: ResolvedJob) => JobState): string {
  const short = new Map(jobs.map((j) => [j.key, labelOf(j)]));
  const lines: string[] = [];
  for (const j of jobs) {
    lines.push(`${stateLabel(stateOf(j)).padEnd(10)} ${labelOf(j)}`);
    lines.push(`           launcher ${j.resources.launcher} (${j.resources.backend}): ${formatResources(j)}`);
    if (j.requirements) lines.push(`           requirements ${j.requirements}`);
    lines.push(`           depends on ${j.deps.length ? j.deps.map((d) => short.get(d)).join(", ") : "nothing"}`);
  }
  return lines.join("\n");
}

/** A job's progress as shown after its state: `42% epoch 3/10`. */
export function formatProgress(p: JobProgress): string {
  return `${Math.floor(p.fraction * 100)}%${p.message ? ` ${p.message}` : ""}`;
}

/** The table printed by `experimaestro status` (a running job's progress after its state). */
export function formatStatus(rows: readonly JobStatus[]): string {
  const lines = rows.map((r) => [jobLabel(r), `${stateLabel(r)}${r.progress ? ` ${formatProgress(r.progress)}` : ""}`, r.schedulerId ? `${r.backend} ${r.schedulerId}` : ""]);
  const w0 = Math.max(4, ...lines.map((l) => l[0]!.length));
  const w1 = Math.max(5, ...lines.map((l) => l[1]!.length));
  return [["job", "state", "scheduler id"], ...lines].map(([a, b, c]) => `${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`.trimEnd()).join("\n");
}
