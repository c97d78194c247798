/**
 * The local machine's capacity (cores, memory, GPUs), shared among running jobs by their
 * resolved resources. GPUs are handed out by index, for CUDA_VISIBLE_DEVICES.
 */
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { ManifestJob } from "../model/manifest.ts";
import { jobLabel } from "../model/workspace.ts";
import { formatBytes } from "../util/format.ts";

export interface Capacity {
  cores: number;
  /** Bytes; undefined: not accounted. */
  memory: number | undefined;
  gpus: number;
}

export interface Allocation {
  cores: number;
  memory: number;
  gpus: number[];
}

function needs(job: ManifestJob): { cores: number; memory: number; gpus: number } {
  return { cores: job.resources.cpus, memory: job.resources.memory ?? 0, gpus: job.resources.gpus };
}

/** Refuses, before anything starts, the jobs that could never fit. */
export function checkFits(jobs: readonly ManifestJob[], cap: Capacity): void {
  const problems: Diagnostic[] = [];
  for (const j of jobs) {
    const n = needs(j);
    const short: string[] = [];
    if (n.cores > cap.cores) short.push(`asks ${n.cores} cores, the machine offers ${cap.cores}`);
    if (cap.memory !== undefined && n.memory > cap.memory) short.push(`asks ${formatBytes(n.memory)} of memory, the machine offers ${formatBytes(cap.memory)}`);
    if (n.gpus > cap.gpus) short.push(`asks ${n.gpus} GPUs, the machine offers ${cap.gpus}`);
    if (short.length) {
      problems.push({
        code: Codes.JOB_TOO_LARGE,
        message: `${jobLabel(j)} cannot run on this machine: ${short.join("; ")}`,
        hint: "lower its requirements, or declare the machine's real capacity for the local launcher in launchers.yaml",
      });
    }
  }
  if (problems.length) throw new XpmError(problems);
}

/** Tracks what running jobs hold. */
export class Pool {
  private cores: number;
  private memory: number;
  private readonly freeGpus: number[];

  constructor(private readonly cap: Capacity) {
    this.cores = cap.cores;
    this.memory = cap.memory ?? Number.POSITIVE_INFINITY;
    this.freeGpus = Array.from({ length: cap.gpus }, (_, i) => i);
  }

  /** Takes what the job needs, or returns undefined when it does not fit now. */
  take(job: ManifestJob): Allocation | undefined {
    const n = needs(job);
    if (n.cores > this.cores || n.memory > this.memory || n.gpus > this.freeGpus.length) return undefined;
    this.cores -= n.cores;
    this.memory -= n.memory;
    return { cores: n.cores, memory: n.memory, gpus: this.freeGpus.splice(0, n.gpus) };
  }

  give(a: Allocation): void {
    this.cores += a.cores;
    this.memory += a.memory;
    this.freeGpus.push(...a.gpus);
    this.freeGpus.sort((x, y) => x - y);
  }

  get idle(): boolean {
    return this.cores === this.cap.cores;
  }
}
