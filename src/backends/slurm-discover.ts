/**
 * `experimaestro launchers slurm generate`: a SLURM cluster described as launchers, one per
 * partition, from `sinfo` (nodes: CPUs, memory, GRES), `scontrol show partition -o` (time
 * limit, priority tier, per-node caps, partition QoS), `scontrol show config` (cluster name,
 * MaxArraySize, MaxJobCount) and, with accounting (slurmdbd), `sacctmgr` (QoS and association
 * limits: MaxSubmitJobsPerUser, MaxWall). Output formats follow sinfo(1), scontrol(1) and
 * sacctmgr(1) of SLURM 22.05. Pure: the commands are run (or read from a dump) by the caller.
 */
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { CommandOutput, Discovery, GeneratedLauncher, GeneratedLaunchers } from "../model/backend.ts";
import { keyValueLines, keyValueTokens, launcherId, outcome, pipeTable, positiveInt, smallest, yamlDuration } from "./discover.ts";

const COMMANDS = [
  // %R partition, %N node, %c CPUs, %m memory (MB), %G GRES, %T node state; one line per node and partition.
  { key: "sinfo", argv: ["sinfo", "-h", "-N", "-o", "%R|%N|%c|%m|%G|%T"], required: true },
  { key: "partitions", argv: ["scontrol", "show", "partition", "-o"], required: true },
  { key: "config", argv: ["scontrol", "show", "config"], required: false },
  { key: "qos", argv: ["sacctmgr", "-P", "show", "qos"], required: false },
  { key: "assoc", argv: ["sacctmgr", "-P", "show", "assoc", "where", "user={user}"], required: false },
] as const;

/** `[D-]HH:MM:SS`, `HH:MM:SS`, `MM:SS`, `MM` in seconds; undefined for UNLIMITED, INFINITE, NONE, empty. */
export function slurmSeconds(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(?:([0-9]+)-)?([0-9]+)(?::([0-9]+))?(?::([0-9]+))?$/.exec(text.trim());
  if (!m) return undefined;
  const parts = [m[2], m[3], m[4]].filter((p): p is string => p !== undefined).map(Number);
  const days = Number(m[1] ?? 0);
  // With a day, `D-HH[:MM[:SS]]`; without, `MM`, `MM:SS` or `HH:MM:SS`.
  const [h, min, s] = m[1] !== undefined ? [parts[0]!, parts[1] ?? 0, parts[2] ?? 0] : parts.length === 3 ? parts : [0, parts[0]!, parts[1] ?? 0];
  const total = days * 86400 + h! * 3600 + min! * 60 + s!;
  return total > 0 ? total : undefined;
}

/** GPUs of one node's GRES (`gpu:a100:4(S:0-1),gpu:v100:2`): their count and types. */
export function gpusOf(gres: string): { count: number; types: string[] } {
  let count = 0;
  const types: string[] = [];
  for (const item of gres.split(/,(?![^(]*\))/)) {
    const m = /^gpu(?::([A-Za-z0-9_.-]+))?:([0-9]+)/.exec(item.trim());
    if (!m) continue;
    // `gpu:4` has no type: the optional group then holds nothing and the count is the last number.
    count += Number(m[2]);
    if (m[1] !== undefined && !types.includes(m[1])) types.push(m[1]);
  }
  return { count, types };
}

interface Node {
  name: string;
  cpus: number;
  memoryMb: number;
  gpus: number;
  gpuTypes: string[];
}

/** Nodes of each partition, in sinfo's order. */
function nodesByPartition(sinfo: string): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const line of sinfo.split("\n")) {
    const [partition, name, cpus, memory, gres] = line.split("|");
    if (!partition || !name || cpus === undefined) continue;
    const g = gpusOf(gres ?? "");
    const node: Node = { name, cpus: Number(cpus.replace(/[^0-9]/g, "")), memoryMb: Number((memory ?? "").replace(/[^0-9]/g, "")), gpus: g.count, gpuTypes: g.types };
    out.set(partition, [...(out.get(partition) ?? []), node]);
  }
  return out;
}

/** What the accounting says for the user: QoS by name, association rows. */
interface Accounting {
  qos: Map<string, Map<string, string>>;
  assoc: Map<string, string>[];
}

function accountingOf(outputs: ReadonlyMap<string, CommandOutput>, cluster: string | undefined): Accounting | undefined {
  const qos = outputs.get("qos");
  if (!qos || qos.status !== 0) return undefined;
  const byName = new Map(pipeTable(qos.stdout).map((r) => [r.get("Name") ?? "", r]));
  const assoc = outputs.get("assoc");
  const rows = assoc && assoc.status === 0 ? pipeTable(assoc.stdout) : [];
  return { qos: byName, assoc: rows.filter((r) => cluster === undefined || (r.get("Cluster") ?? cluster) === cluster) };
}

/** A limit and where it comes from (for the launcher's comment). */
interface Limit {
  value: number;
  source: string;
}

function least(limits: (Limit | undefined)[]): Limit | undefined {
  let best: Limit | undefined;
  for (const l of limits) if (l && (!best || l.value < best.value)) best = l;
  return best;
}

/** The QoS that apply to jobs of `partition` submitted without --qos: the partition's, and the user's default. */
function qosOf(part: Map<string, string>, acct: Accounting, rows: Map<string, string>[], asked?: string): [string, Map<string, string>][] {
  const names: string[] = [];
  const pq = part.get("QoS");
  if (pq && pq !== "N/A") names.push(pq);
  const def = asked ?? defaultQos(rows);
  if (def && !names.includes(def)) names.push(def);
  return names.flatMap((n) => (acct.qos.has(n) ? [[n, acct.qos.get(n)!] as [string, Map<string, string>]] : []));
}

/** The QoS of jobs submitted without --qos: the association's default, else its only one, else `normal` when allowed. */
function defaultQos(rows: Map<string, string>[]): string | undefined {
  const lists = rows.map((r) => (r.get("QOS") ?? "").split(",").filter((q) => q !== ""));
  return rows.map((r) => r.get("Def QOS") ?? "").find((q) => q !== "") ?? lists.find((l) => l.length === 1)?.[0] ?? (lists.some((l) => l.includes("normal")) ? "normal" : undefined);
}

const rowsOf = (acct: Accounting, partition: string) => acct.assoc.filter((r) => (r.get("Partition") ?? "") === "" || r.get("Partition") === partition);

/** The other QoS the user may ask for on `partition` (`--qos`), sorted: each gets a launcher of its own. */
function otherQos(partition: string, part: Map<string, string>, acct: Accounting): string[] {
  const rows = rowsOf(acct, partition);
  const def = defaultQos(rows);
  const allowed = (part.get("AllowQos") ?? "ALL").split(",");
  // The partition's own QoS applies to every job there: the partition's launcher has its limits.
  const own = part.get("QoS");
  const all = new Set(rows.flatMap((r) => (r.get("QOS") ?? "").split(",")).filter((q) => q !== "" && q !== def && q !== own && acct.qos.has(q)));
  return [...all].filter((q) => allowed.includes("ALL") || allowed.includes(q)).sort();
}

/** max_submit and max_duration from QoS and association limits (`asked`: a QoS given with --qos). */
function accountingLimits(name: string, part: Map<string, string>, acct: Accounting, asked?: string): { submit: Limit | undefined; wall: Limit | undefined } {
  const rows = rowsOf(acct, name);
  const qos = qosOf(part, acct, rows, asked);
  const submit: (Limit | undefined)[] = [];
  const wall: (Limit | undefined)[] = [];
  const of = (v: number | undefined, source: string) => (v === undefined ? undefined : { value: v, source });
  for (const [q, r] of qos) {
    submit.push(of(positiveInt(r.get("MaxSubmitPU")), `QoS ${q} MaxSubmitJobsPerUser`), of(positiveInt(r.get("GrpSubmit")), `QoS ${q} GrpSubmitJobs`));
    wall.push(of(slurmSeconds(r.get("MaxWall")), `QoS ${q} MaxWall`));
  }
  for (const r of rows) {
    const who = `association ${r.get("Account") ?? ""}/${r.get("User") ?? ""}`;
    submit.push(of(positiveInt(r.get("MaxSubmit")), `${who} MaxSubmitJobs`), of(positiveInt(r.get("GrpSubmit")), `${who} GrpSubmitJobs`));
    wall.push(of(slurmSeconds(r.get("MaxWall")), `${who} MaxWall`));
  }
  return { submit: least(submit), wall: least(wall) };
}

interface Site {
  cluster: string | undefined;
  maxArraySize: number | undefined;
  maxJobCount: number | undefined;
  accounting: Accounting | undefined;
  /** Whether some partition has no GPU (then GPU partitions take only GPU jobs). */
  cpuPartitions: boolean;
}

/** The node figures of a partition: the smallest node (a job that fits it fits every node). */
function nodeFigures(nodes: Node[], part: Map<string, string>): { cores: number; memoryMb: number; gpus: number; types: string[]; comment: string } {
  const cores = smallest(...nodes.map((n) => n.cpus), positiveInt(part.get("MaxCPUsPerNode")))!;
  const memoryMb = smallest(...nodes.map((n) => n.memoryMb), positiveInt(part.get("MaxMemPerNode")))!;
  const gpus = Math.min(...nodes.map((n) => n.gpus));
  const types = [...new Set(nodes.flatMap((n) => n.gpuTypes))].sort();
  const differ = new Set(nodes.map((n) => `${n.cpus}/${n.memoryMb}/${n.gpus}`)).size > 1;
  const list = nodes.length <= 4 ? nodes.map((n) => n.name).join(", ") : `${nodes[0]!.name}, ... (${nodes.length} nodes)`;
  const comment = `nodes: ${list}${differ ? "; they differ, the smallest is declared" : ""}`;
  return { cores, memoryMb, gpus, types, comment };
}

/** The launcher of one partition (with `qos`: of that partition with that QoS, asked with --qos). */
function partitionLauncher(name: string, part: Map<string, string>, nodes: Node[], site: Site, qos?: string): GeneratedLauncher {
  const f = nodeFigures(nodes, part);
  const comments = [`partition ${name}${part.get("Default") === "YES" ? " (the default)" : ""}${qos ? `, QoS ${qos} (not the user's default: asked with --qos)` : ""}; ${f.comment}`];
  const limits = site.accounting ? accountingLimits(name, part, site.accounting, qos) : { submit: undefined, wall: undefined };
  const partTime = slurmSeconds(part.get("MaxTime"));
  const wall = least([partTime === undefined ? undefined : { value: partTime, source: "partition MaxTime" }, limits.wall]);
  const jobCount = site.maxJobCount === undefined ? undefined : { value: site.maxJobCount, source: "MaxJobCount (every user's jobs count)" };
  const submit = least([limits.submit, jobCount]);
  if (wall) comments.push(`max_duration: ${wall.source}`);
  if (submit) comments.push(`max_submit: ${submit.source}`);
  if (f.gpus > 0) comments.push(`GPUs${f.types.length ? ` (${f.types.join(", ")})` : ""}: SLURM does not know their memory; add \`memory:\` to the accelerator for gpu(mem=...) requirements`);
  const slurm: Record<string, unknown> = { partition: name, qos };
  if (site.maxArraySize !== undefined) slurm.max_array_size = site.maxArraySize;
  if (submit) slurm.max_submit = submit.value;
  const spec: Record<string, unknown> = {
    id: launcherId(qos ? `${name}-${qos}` : name),
    type: "slurm",
    priority: positiveInt(part.get("PriorityTier")) ?? 1,
    cores: f.cores,
    memory: `${f.memoryMb}MiB`,
    max_duration: wall ? yamlDuration(wall.value) : undefined,
    min_gpus: f.gpus > 0 && site.cpuPartitions ? 1 : undefined,
    accelerators: f.gpus > 0 ? [{ type: "cuda", count: f.gpus }] : undefined,
    slurm,
  };
  return { comments, spec };
}

/** Partitions of `scontrol show partition -o`, default first, then by name; those not UP are left out (and said). */
function partitions(text: string): { up: [string, Map<string, string>][]; left: string[] } {
  const all = text.split("\n").filter((l) => l.includes("PartitionName=")).map((l) => keyValueTokens(l));
  const up: [string, Map<string, string>][] = [];
  const left: string[] = [];
  for (const p of all) {
    const name = p.get("PartitionName")!;
    if ((p.get("State") ?? "UP") === "UP") up.push([name, p]);
    else left.push(`${name} (State=${p.get("State")})`);
  }
  up.sort(([a, pa], [b, pb]) => Number(pb.get("Default") === "YES") - Number(pa.get("Default") === "YES") || (a < b ? -1 : a > b ? 1 : 0));
  return { up, left };
}

function required(outputs: ReadonlyMap<string, CommandOutput>, key: string): string {
  const o = outputs.get(key);
  const argv = COMMANDS.find((c) => c.key === key)!.argv.join(" ");
  if (!o || o.status === "missing") {
    throw new XpmError({ code: Codes.DISCOVERY_COMMAND_MISSING, message: `\`${argv}\` is not available here`, hint: "run `experimaestro launchers slurm generate --dump slurm.dump` on a machine of the cluster, copy slurm.dump here, then `experimaestro launchers slurm generate --from slurm.dump`" });
  }
  if (o.status !== 0) throw new XpmError({ code: Codes.DISCOVERY_COMMAND_FAILED, message: `\`${argv}\` failed (${outcome(o)})`, hint: "check that the SLURM controller answers (`scontrol ping`), or generate from a dump made on the cluster (--from FILE)" });
  return o.stdout;
}

function header(outputs: ReadonlyMap<string, CommandOutput>, site: Site, left: string[]): string[] {
  const lines = [`SLURM launchers${site.cluster ? ` of cluster ${site.cluster}` : ""}, written by \`experimaestro launchers slurm generate\`.`];
  lines.push("Review it before use: priorities, GPU memory, accounts and QoS are yours to choose.");
  for (const c of COMMANDS) {
    const o = outputs.get(c.key);
    const argv = c.argv.join(" ");
    lines.push(o && o.status === 0 ? `read: ${argv}` : `not read: ${argv} (${outcome(o)})`);
  }
  if (!site.accounting) lines.push("Without accounting, per-user limits (QoS MaxSubmitJobsPerUser, association MaxSubmitJobs) are unknown: set slurm.max_submit by hand.");
  if (left.length) lines.push(`left out (not UP): ${left.join(", ")}`);
  return lines;
}

function generate(outputs: ReadonlyMap<string, CommandOutput>): GeneratedLaunchers {
  const nodes = nodesByPartition(required(outputs, "sinfo"));
  const { up, left } = partitions(required(outputs, "partitions"));
  const config = outputs.get("config")?.status === 0 ? keyValueLines(outputs.get("config")!.stdout) : new Map<string, string>();
  const cluster = config.get("ClusterName");
  const withNodes = up.filter(([name]) => (nodes.get(name) ?? []).length > 0);
  const site: Site = {
    cluster,
    maxArraySize: positiveInt(config.get("MaxArraySize")),
    maxJobCount: positiveInt(config.get("MaxJobCount")),
    accounting: accountingOf(outputs, cluster),
    cpuPartitions: withNodes.some(([name]) => nodes.get(name)!.every((n) => n.gpus === 0)),
  };
  for (const [name] of up) if (!withNodes.some(([n]) => n === name)) left.push(`${name} (no nodes)`);
  if (withNodes.length === 0) {
    throw new XpmError({ code: Codes.DISCOVERY_NOTHING, message: "no partition that is UP and has nodes: there is no launcher to write", hint: "`sinfo` and `scontrol show partition` list the partitions; ask the site which ones you may use" });
  }
  const launchers = withNodes.flatMap(([name, part]) => [
    partitionLauncher(name, part, nodes.get(name)!, site),
    ...(site.accounting ? otherQos(name, part, site.accounting) : []).map((q) => partitionLauncher(name, part, nodes.get(name)!, site, q)),
  ]);
  const ids = new Set<string>();
  for (const l of launchers) {
    let id = l.spec.id as string;
    for (let i = 2; ids.has(id); i++) id = `${l.spec.id as string}-${i}`;
    ids.add(id);
    l.spec.id = id;
  }
  return { header: header(outputs, site, left), launchers };
}

export const slurmDiscovery: Discovery = { commands: COMMANDS, generate };
