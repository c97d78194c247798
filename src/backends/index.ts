/** Backend registry: one line per backend. */
import { oarBackend } from "./oar.ts";
import { shellBackend } from "./shell.ts";
import { slurmBackend } from "./slurm.ts";
import type { Backend } from "./types.ts";

const backends: Record<string, Backend> = {
  [shellBackend.key]: shellBackend,
  [slurmBackend.key]: slurmBackend,
  [oarBackend.key]: oarBackend,
};

/** The backend serving a launcher type. */
export function backendFor(type: string): Backend {
  const b = backends[type];
  if (!b) throw new Error(`internal: no backend for launcher type '${type}'`);
  return b;
}

/** Every backend that submits to a scheduler. */
export function schedulerBackends(): Backend[] {
  return Object.values(backends).filter((b) => b.scheduler !== undefined);
}

export type { Backend, Scheduler, SchedulerJobState } from "./types.ts";
