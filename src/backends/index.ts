/** Backend registry: one line per backend. */
import type { Backend, Backends } from "../model/backend.ts";
import { oarBackend } from "./oar.ts";
import { pbsBackend } from "./pbs.ts";
import { shellBackend } from "./shell.ts";
import { slurmBackend } from "./slurm.ts";

const registry: Record<string, Backend> = {
  [shellBackend.key]: shellBackend,
  [slurmBackend.key]: slurmBackend,
  [oarBackend.key]: oarBackend,
  [pbsBackend.key]: pbsBackend,
};

export const backends: Backends = {
  of(type) {
    const b = registry[type];
    if (!b) throw new Error(`internal: no backend for launcher type '${type}'`);
    return b;
  },
  all: () => Object.values(registry),
  schedulers: () => Object.values(registry).filter((b) => b.scheduler !== undefined),
};
