/**
 * Services of an experiment (model/actions.ts): started from the workspace folder in their own
 * process group, output to `experiments/<id>/services/<name>.log`, what runs recorded in
 * `<name>.json` (pid, port, url) so that `services list` and `services stop` find it later;
 * `{port}` in the command or URL is a free port of this machine. Stopping is SIGTERM to the
 * group, SIGKILL after a grace period.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { dirname, join } from "node:path";
import { serviceFile, type ManifestService } from "../model/actions.ts";

export interface ServiceRecordFile {
  pid: number;
  port?: number;
  url?: string;
  started: string;
}

export interface RunningService {
  name: string;
  pid: number;
  url: string | undefined;
  log: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the service). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createConnection({ port, host: "127.0.0.1" });
    s.once("connect", () => (s.destroy(), r(true)));
    s.once("error", () => r(false));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The record of a started service, when its process still runs. */
export function runningRecord(workspace: string, experimentId: string, name: string): ServiceRecordFile | undefined {
  try {
    const rec = JSON.parse(readFileSync(join(workspace, serviceFile(experimentId, name, "json")), "utf8")) as ServiceRecordFile;
    return alive(rec.pid) ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // Gone already.
    }
  };
  signal("SIGTERM");
  const end = Date.now() + graceMs;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) signal("SIGKILL");
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
}

/** Stops a service started earlier (by `--keep-services` or another shell); false when none runs. */
export async function stopRecorded(workspace: string, experimentId: string, name: string): Promise<boolean> {
  const rec = runningRecord(workspace, experimentId, name);
  if (rec) await stopGroup(rec.pid);
  rmSync(join(workspace, serviceFile(experimentId, name, "json")), { force: true });
  return rec !== undefined;
}

/**
 * Starts a service; with a `{port}`, resolves once that port accepts connections (within
 * `readyMs`), and rejects if the process ends first.
 */
export async function startService(workspace: string, experimentId: string, service: ManifestService, readyMs = 20_000): Promise<RunningService> {
  const usesPort = service.command.some((w) => w.includes("{port}")) || (service.url ?? "").includes("{port}");
  const port = usesPort ? await freePort() : undefined;
  const fill = (s: string) => (port === undefined ? s : s.replaceAll("{port}", String(port)));
  const argv = service.command.map(fill);
  const url = service.url === undefined ? undefined : fill(service.url);
  const log = join(workspace, serviceFile(experimentId, service.name, "log"));
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, "a");
  const env = { ...process.env, XPM_WORKSPACE: workspace, XPM_EXPERIMENT: experimentId, ...(port !== undefined ? { XPM_SERVICE_PORT: String(port) } : {}) };
  const child = spawn(argv[0]!, argv.slice(1), { cwd: workspace, detached: true, stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  let exited: string | undefined;
  child.once("error", (e) => (exited = e.message));
  child.once("exit", (code, sig) => (exited = `exited (${sig ?? code}) before it was ready`));
  child.unref();
  const end = Date.now() + readyMs;
  while (port !== undefined && !(await accepts(port))) {
    if (exited || Date.now() > end) {
      if (!exited) await stopGroup(child.pid!);
      throw new Error(`service ${service.name} ${exited ?? `did not accept connections on port ${port} within ${readyMs / 1000} s`} (log: ${log})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const record = join(workspace, serviceFile(experimentId, service.name, "json"));
  const rec: ServiceRecordFile = { pid: child.pid!, ...(port !== undefined ? { port } : {}), ...(url ? { url } : {}), started: new Date().toISOString() };
  writeFileSync(record, `${JSON.stringify(rec)}\n`);
  const stop = async () => {
    await stopGroup(child.pid!);
    if (existsSync(record)) rmSync(record, { force: true });
  };
  return { name: service.name, pid: child.pid!, url, log, stop };
}
