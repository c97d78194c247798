/**
 * OAR: `#OAR` header from resolved resources, `OAR_JOB_ID=` ids, `oarstat -s` states.
 * oarsub -S takes the rest of a `#OAR` line verbatim (quotes included, as tried on OAR 2.5.9),
 * so values are written unquoted; launchers.yaml and type ids cannot hold a line break.
 * OAR has no afterok: `-a` (anterior) waits for the parent to end however it ended, so the job
 * script's own check of its parents' .done markers gives afterok semantics. States follow the
 * OAR 2.5 documentation (oarstat): Waiting, toLaunch, Launching, Running, Finishing, Hold,
 * toAckReservation, Suspended, Resuming, Terminated, Error.
 */
import { z } from "zod";
import type { ResolvedJob } from "../model/plan.ts";
import { formatDuration } from "../util/format.ts";
import type { Backend, SchedulerJobState } from "../model/backend.ts";
import { jobLabel } from "../model/workspace.ts";
import { extraDirectives, optionalValue } from "./options.ts";

function resourceSpec(job: ResolvedJob): string {
  const r = job.resources;
  const parts = ["/nodes=1"];
  if (r.gpus > 0) parts.push(`/gpu=${r.gpus}`);
  parts.push(`/core=${r.cpus}`);
  return parts.join("") + (r.duration !== undefined ? `,walltime=${formatDuration(r.duration)}` : "");
}

const RUNNING = new Set(["toLaunch", "Launching", "Running", "Finishing", "Resuming"]);
const QUEUED = new Set(["Waiting", "Hold", "toAckReservation", "Suspended", "toError"]);

/** The `oar:` block of a launcher in launchers.yaml. */
const options = z.object({ queue: optionalValue, project: optionalValue, properties: optionalValue, extra: extraDirectives }).strict();

export const oarBackend: Backend = {
  key: "oar",
  options,
  directives: (job) => {
    const r = job.resources;
    const lines = [`#OAR -n ${jobLabel({ task: job.taskId, hash: job.hash }, "-")}`, `#OAR -l ${resourceSpec(job)}`, `#OAR -O ${job.name}.out`, `#OAR -E ${job.name}.err`];
    if (r.options.queue !== undefined) lines.push(`#OAR -q ${r.options.queue}`);
    if (r.options.project !== undefined) lines.push(`#OAR --project ${r.options.project}`);
    if (r.options.properties !== undefined) lines.push(`#OAR -p ${r.options.properties}`);
    return [...lines, ...r.extra.map((e) => `#OAR ${e}`)];
  },
  scheduler: {
    submitCommand: "oarsub",
    idExtension: "oar-id",
    driver: "submit-oar.sh",
    parseJobId: (stdout) => /^OAR_JOB_ID=(\d+)\s*$/m.exec(stdout)?.[1],
    statusArgv: (ids) => ["oarstat", "-s", ...ids.flatMap((id) => ["-j", id])],
    parseStatus: (stdout) => {
      const out = new Map<string, SchedulerJobState>();
      for (const line of stdout.split("\n")) {
        const m = /^\s*(\d+)\s*:\s*(\S+)\s*$/.exec(line);
        if (!m) continue;
        const raw = m[2]!;
        const state = RUNNING.has(raw) ? "running" : QUEUED.has(raw) ? "queued" : raw === "Terminated" || raw === "Error" ? "finished" : "unknown";
        out.set(m[1]!, { state, raw, reason: undefined });
      }
      return out;
    },
  },
};
