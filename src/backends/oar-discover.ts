/**
 * `experimaestro launchers oar generate`: an OAR cluster described as launchers from its
 * resources (`oarnodes -J`, OAR 2.5: one JSON object per resource, usually a core, with its
 * properties). Hosts are grouped by their `cluster` property when the site has one (as on
 * Grid'5000), else by resource `type`; each group is one launcher: cores (resources per host),
 * memory (`memnode`, MiB) and GPUs (distinct `gpu` or `gpudevice` values per host, `gpu_mem` MiB)
 * when the site declares those properties. OAR does not say queues' walltime limits to users
 * (admission rules): the file says so. Pure: the command is run (or read from a dump) by the caller.
 */
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { CommandOutput, Discovery, GeneratedLauncher, GeneratedLaunchers } from "../model/backend.ts";
import { launcherId, outcome } from "./discover.ts";

const COMMANDS = [{ key: "resources", argv: ["oarnodes", "-J"], required: true }] as const;

type Resource = Record<string, unknown>;

const text = (v: unknown): string | undefined => (v === null || v === undefined || v === "" ? undefined : String(v));
const count = (v: unknown): number | undefined => {
  const n = Number(text(v));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The resources of `oarnodes -J` that can run jobs (not Dead), by group, then by host. */
function groups(resources: Resource[]): { byCluster: boolean; groups: Map<string, Map<string, Resource[]>> } {
  const live = resources.filter((r) => r.state !== "Dead" && text(r.network_address) !== undefined);
  const byCluster = live.some((r) => text(r.cluster) !== undefined);
  const out = new Map<string, Map<string, Resource[]>>();
  for (const r of live) {
    const g = (byCluster ? text(r.cluster) : text(r.type)) ?? "default";
    const hosts = out.get(g) ?? new Map<string, Resource[]>();
    const host = text(r.network_address)!;
    hosts.set(host, [...(hosts.get(host) ?? []), r]);
    out.set(g, hosts);
  }
  return { byCluster, groups: new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function groupLauncher(name: string, hosts: Map<string, Resource[]>, byCluster: boolean, cpuGroups: boolean): GeneratedLauncher {
  const list = [...hosts];
  const cores = Math.min(...list.map(([, rs]) => rs.length));
  const memory = Math.min(...list.map(([, rs]) => count(rs[0]!.memnode) ?? Infinity));
  const gpusOf = (rs: Resource[]) => new Set(rs.map((r) => text(r.gpu) ?? text(r.gpudevice)).filter((g) => g !== undefined && g !== "NO")).size;
  const gpus = Math.min(...list.map(([, rs]) => gpusOf(rs)));
  const gpuMem = Math.min(...list.map(([, rs]) => count(rs[0]!.gpu_mem) ?? Infinity));
  const names = list.map(([h]) => h).sort();
  const shown = names.length <= 4 ? names.join(", ") : `${names[0]}, ... (${names.length} hosts)`;
  const comments = [`${byCluster ? "cluster" : "resource type"} ${name}; hosts: ${shown}${new Set(list.map(([, rs]) => rs.length)).size > 1 ? "; they differ, the smallest is declared" : ""}`];
  const properties = byCluster ? `cluster='${name}'` : name !== "default" ? `type='${name}'` : undefined;
  const spec: Record<string, unknown> = {
    id: launcherId(`oar-${name}`),
    type: "oar",
    priority: 1,
    cores,
    memory: Number.isFinite(memory) ? `${memory}MiB` : undefined,
    min_gpus: gpus > 0 && cpuGroups ? 1 : undefined,
    accelerators: gpus > 0 ? [{ type: "cuda", ...(Number.isFinite(gpuMem) ? { memory: `${gpuMem}MiB` } : {}), count: gpus }] : undefined,
    oar: properties ? { properties } : undefined,
  };
  return { comments, spec };
}

function parse(o: CommandOutput | undefined): Resource[] {
  const argv = COMMANDS[0].argv.join(" ");
  if (!o || o.status === "missing") {
    throw new XpmError({ code: Codes.DISCOVERY_COMMAND_MISSING, message: `\`${argv}\` is not available here`, hint: "run `experimaestro launchers oar generate --dump oar.dump` on a machine of the cluster, copy oar.dump here, then `experimaestro launchers oar generate --from oar.dump`" });
  }
  if (o.status !== 0) throw new XpmError({ code: Codes.DISCOVERY_COMMAND_FAILED, message: `\`${argv}\` failed (${outcome(o)})`, hint: "check that the OAR server answers, or generate from a dump made on the cluster (--from FILE)" });
  try {
    const doc = JSON.parse(o.stdout) as Record<string, Resource> | Resource[];
    return Array.isArray(doc) ? doc : Object.values(doc);
  } catch (e) {
    throw new XpmError({ code: Codes.DISCOVERY_COMMAND_FAILED, message: `\`${argv}\` printed no JSON (${(e as Error).message})`, hint: "OAR 2.5's oarnodes prints JSON with -J; an older one may not" });
  }
}

function generate(outputs: ReadonlyMap<string, CommandOutput>): GeneratedLaunchers {
  const { byCluster, groups: all } = groups(parse(outputs.get("resources")));
  if (all.size === 0) throw new XpmError({ code: Codes.DISCOVERY_NOTHING, message: "no OAR resource that is not Dead: there is no launcher to write", hint: "`oarnodes -s` lists the hosts and their states" });
  const gpuHosts = (hosts: Map<string, Resource[]>) => [...hosts.values()].every((rs) => rs.some((r) => text(r.gpu) !== undefined && text(r.gpu) !== "NO"));
  const cpuGroups = [...all.values()].some((h) => !gpuHosts(h));
  const header = [
    "OAR launchers, written by `experimaestro launchers oar generate`.",
    "Review it before use: priorities, queues and projects are yours to choose; OAR does not tell",
    "users the queues' walltime limits (admission rules): add max_duration where the site has one.",
    `read: ${COMMANDS[0].argv.join(" ")}`,
  ];
  return { header, launchers: [...all].map(([name, hosts]) => groupLauncher(name, hosts, byCluster, cpuGroups)) };
}

export const oarDiscovery: Discovery = { commands: COMMANDS, generate };
