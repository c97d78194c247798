/**
 * `experimaestro services list|start|stop <ws> <id> [name]`: the services of a prepared
 * experiment (model/actions.ts). `start` starts one (or all), prints where to reach it, and
 * keeps it until Ctrl-C (or SIGTERM), then stops it; `stop` stops one left running by
 * `run-experiment --keep-services`; `list` says which run.
 */
import { runningRecord, startService, stopRecorded, type RunningService } from "../act/services.ts";
import { serviceFile } from "../model/actions.ts";
import { readManifest, type Manifest } from "../model/manifest.ts";
import type { Parsed } from "./args.ts";
import { pick, target } from "./actions.ts";
import type { Out } from "./shared.ts";

function listServices(workspace: string, manifest: Manifest, out: Out): number {
  const services = manifest.services ?? [];
  if (!services.length) out(`experiment ${manifest.experiment} declares no services`);
  for (const s of services) {
    const rec = runningRecord(workspace, manifest.experiment, s.name);
    out(`${s.name}${s.description ? ` — ${s.description}` : ""}`);
    out(`  ${rec ? `running (pid ${rec.pid})${rec.url ? `: ${rec.url}` : ""}` : "not running"}; command: ${s.command.join(" ")}`);
  }
  return 0;
}

/** Starts the services, then waits for Ctrl-C or SIGTERM and stops them. */
async function startAndWait(workspace: string, manifest: Manifest, names: string[], out: Out, err: Out): Promise<number> {
  const started: RunningService[] = [];
  let status = 0;
  for (const s of (manifest.services ?? []).filter((x) => names.includes(x.name))) {
    const rec = runningRecord(workspace, manifest.experiment, s.name);
    if (rec) {
      out(`service ${s.name}: already running (pid ${rec.pid})${rec.url ? `: ${rec.url}` : ""}`);
      continue;
    }
    try {
      const r = await startService(workspace, manifest.experiment, s);
      started.push(r);
      out(`service ${s.name}: ${r.url ?? `running (pid ${r.pid})`} (log: ${r.log})`);
    } catch (e) {
      err(`error: ${(e as Error).message}`);
      status = 1;
    }
  }
  if (!started.length) return status;
  out("Ctrl-C stops the services");
  // Signal handlers alone do not keep Node running: a timer does, until the signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((r) => {
    process.once("SIGINT", () => r());
    process.once("SIGTERM", () => r());
  });
  clearInterval(keepAlive);
  await Promise.all(started.map((s) => s.stop()));
  out(`stopped: ${started.map((s) => s.name).join(", ")}`);
  return status;
}

export async function servicesCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const t = target(p, "services", ["list", "start", "stop"]);
  const manifest = readManifest(t.workspace, t.id);
  if (t.sub === "list") return listServices(t.workspace, manifest, out);
  const names = t.name === undefined ? (manifest.services ?? []).map((s) => s.name) : [pick("service", manifest.services ?? [], t.name, t.id).name];
  if (t.name === undefined && !names.length) pick("service", [], undefined, t.id);
  if (t.sub === "start") return startAndWait(t.workspace, manifest, names, out, err);
  for (const name of names) out(`service ${name}: ${(await stopRecorded(t.workspace, t.id, name)) ? "stopped" : `not running (no live process in ${serviceFile(t.id, name, "json")})`}`);
  return 0;
}
