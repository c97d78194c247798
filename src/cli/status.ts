/**
 * `status`: each job's state from its markers and the schedulers. Kept apart from the other
 * commands so that it loads little: the scheduler backends (and zod, their options' schemas)
 * only when a job of the experiment goes through a scheduler.
 */
import { resolve as resolvePath } from "node:path";
import { shellBackend } from "../backends/shell.ts";
import type { Backends } from "../model/backend.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { readManifest } from "../model/manifest.ts";
import { experimentStatus } from "../submit/status.ts";
import type { Parsed } from "./args.ts";
import { formatStatus } from "./format.ts";
import type { Out } from "./shared.ts";

/** The workspace (absolute) and experiment id of `run` and `status`. */
export function workspaceAndId(p: Parsed, command: string): [string, string] {
  const [ws, id, ...extra] = p.positional;
  if (!ws || !id || extra.length) fail(Codes.USAGE, `${command} takes a workspace and an experiment id`, { hint: `experimaestro ${command} ./workspace my-experiment` });
  return [resolvePath(ws), id];
}

/** This machine's backend alone, for an experiment whose jobs all run here. */
const localOnly: Backends = { of: () => shellBackend, all: () => [shellBackend], schedulers: () => [] };

/** Exit status: 0 all done, 1 something failed or is blocked, 3 still in progress or not run. */
export async function statusCommand(p: Parsed, out: Out): Promise<number> {
  const [workspace, id] = workspaceAndId(p, "status");
  const manifest = readManifest(workspace, id);
  const local = manifest.jobs.every((j) => j.backend === shellBackend.key);
  const backends = local ? localOnly : (await import("../backends/index.ts")).backends;
  const rows = experimentStatus(workspace, manifest, backends);
  out(p.flags.has("--json") ? JSON.stringify(rows, null, 2) : formatStatus(rows));
  return rows.every((r) => r.state === "done") ? 0 : rows.some((r) => r.state === "failed" || r.state === "blocked") ? 1 : 3;
}
