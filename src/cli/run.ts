/** `experimaestro run <workspace> <id>`: a prepared experiment run (local jobs) and submitted (scheduler jobs), without the compile chain. */
import { runPrepared } from "../run-prepared.ts";
import type { Parsed } from "./args.ts";
import { workspaceAndId } from "./status.ts";
import { host, printRun, runRequest, type Out } from "./shared.ts";

export async function runCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const [workspace, id] = workspaceAndId(p, "run");
  return printRun(await runPrepared(workspace, id, runRequest(p), host(out, err)), workspace, id, out);
}
