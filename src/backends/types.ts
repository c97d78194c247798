/**
 * The small contract every backend implements (shell, slurm, oar; PBS would be one more file).
 * Backends return data — directive lines, argv arrays, parsed ids — and shared code renders and
 * spawns. Callers branch on declared capabilities, never on the key.
 */
import type { ResolvedJob } from "../model/plan.ts";

export interface Backend {
  /** The launcher type this backend serves (`local`, `slurm`, `oar`). */
  readonly key: string;
  /** Script header lines (e.g. `#SBATCH --time=...`), from the job's resolved resources. */
  directives(job: ResolvedJob): string[];
}
