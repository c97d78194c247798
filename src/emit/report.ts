/** The dry-run listing: one block per job, in plan order. Pure: states come from the caller. */
import type { ResolvedJob } from "../model/plan.ts";

function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${units[i]}`;
}

function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
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
