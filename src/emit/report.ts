/** The dry-run listing: one block per job, in plan order. Pure: states come from the caller. */
import type { ResolvedJob } from "../model/plan.ts";
import { formatBytes, formatDuration } from "../util/format.ts";

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

export function formatPlan(jobs: readonly ResolvedJob[], stateOf: (job: ResolvedJob) => string): string {
  const short = new Map(jobs.map((j) => [j.key, `${j.taskId}/${j.hash.slice(0, 8)}`]));
  const lines: string[] = [];
  for (const j of jobs) {
    lines.push(`${stateOf(j).padEnd(10)} ${j.taskId}/${j.hash.slice(0, 8)}`);
    lines.push(`           launcher ${j.resources.launcher} (${j.resources.backend}): ${formatResources(j)}`);
    if (j.requirements) lines.push(`           requirements ${j.requirements}`);
    lines.push(`           depends on ${j.deps.length ? j.deps.map((d) => short.get(d)).join(", ") : "nothing"}`);
  }
  return lines.join("\n");
}
