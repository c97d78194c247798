/** Launchers: where jobs can run and what each place offers (from launchers.yaml). */

/** A backend key (`local`, `slurm`, `oar`, ...): launchers.yaml accepts those of the backend registry. */
export type LauncherType = string;

/** A group of identical devices a host offers. */
export interface OfferedAccelerators {
  type: "cuda" | "mps";
  /** Bytes per device; for `mps` the host's memory is used (shared with the CPU). */
  memory: number | undefined;
  count: number;
}

export interface Launcher {
  id: string;
  type: LauncherType;
  /** Higher first; ties keep the file order. */
  priority: number;
  cores: number | undefined;
  /** Bytes. */
  memory: number | undefined;
  accelerators: OfferedAccelerators[];
  /** Seconds. */
  maxDuration: number | undefined;
  /** Jobs asking fewer GPUs are refused (a GPU partition that should not take CPU jobs). */
  minGpus: number;
  /** Backend options: slurm partition/account/qos/constraint, oar queue/project/properties. */
  options: Record<string, string>;
  /** Extra scheduler directives, verbatim (e.g. `--exclusive`). */
  extra: string[];
  /** SLURM: cancel a job whose dependency failed (default true). */
  killOnInvalidDep: boolean;
  /** Environment of the jobs it runs (before the workspace's and the settings'). */
  env: Record<string, string>;
}
