/**
 * The raw description of a cluster for `launchers <key> generate`: its backend's discovery
 * commands run here, or read back from a dump (`--dump FILE` writes one on the cluster,
 * `--from FILE` reads it on another machine, e.g. for an air-gapped site).
 *
 * Dump format 1, one text file: comment lines (`# ...`), then per command a section
 *   @@ <key> status=<exit status|missing>
 *   $ <the command, as a shell line>
 *   | <a line of its stdout>
 *   ! <a line of its stderr>
 * Every output line is prefixed, so no output can be read as a section line (empty lines
 * are left out). Generation
 * always goes through this form (live outputs are written and read back), which is what
 * makes `--from` on a dump give the very bytes the live run gave.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { Codes, XpmError } from "../model/diagnostics.ts";
import type { CommandOutput, Discovery } from "../model/backend.ts";
import { shellJoin } from "../util/shell.ts";
import { displayPath } from "../util/text.ts";

const FORMAT = "# experimaestro-ts cluster dump, format 1";

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "root";
  }
}

/** Runs each discovery command here (a missing one is recorded as `missing`, never an error). */
export function runDiscovery(d: Discovery): Map<string, CommandOutput> {
  const out = new Map<string, CommandOutput>();
  const name = user();
  for (const c of d.commands) {
    const argv = c.argv.map((a) => a.replaceAll("{user}", name));
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 120_000, env: { ...process.env, LC_ALL: "C" } });
    const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    out.set(c.key, { argv, status: missing ? "missing" : (r.status ?? 1), stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error.message) : "") });
  }
  return out;
}

function lines(text: string): string[] {
  if (text === "") return [];
  const all = text.split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all;
}

/** The dump of a backend's outputs. */
export function renderDump(backend: string, outputs: ReadonlyMap<string, CommandOutput>): string {
  const out = [FORMAT, `# backend: ${backend}`, `# \`experimaestro launchers ${backend} generate --from FILE\` generates launchers.yaml from it.`];
  for (const [key, o] of outputs) {
    out.push(`@@ ${key} status=${o.status}`, `$ ${shellJoin(o.argv)}`);
    out.push(...lines(o.stdout).map((l) => `| ${l}`), ...lines(o.stderr).map((l) => `! ${l}`));
  }
  return `${out.join("\n")}\n`;
}

function invalid(file: string, line: number, message: string): never {
  throw new XpmError({ code: Codes.DISCOVERY_DUMP_INVALID, message, where: { file: displayPath(file), line }, hint: "a dump is written by `experimaestro launchers <slurm|oar> generate --dump FILE`; copy it unchanged" });
}

/** Reads a dump back: its backend and each command's output. */
export function parseDump(text: string, file: string): { backend: string; outputs: Map<string, CommandOutput> } {
  const all = lines(text);
  if (all[0] !== FORMAT) invalid(file, 1, `not an experimaestro-ts cluster dump (the first line should be "${FORMAT}")`);
  let backend: string | undefined;
  const outputs = new Map<string, CommandOutput>();
  let current: CommandOutput | undefined;
  const out: Record<"|" | "!", string[]> = { "|": [], "!": [] };
  const close = () => {
    if (current) Object.assign(current, { stdout: out["|"].map((l) => `${l}\n`).join(""), stderr: out["!"].map((l) => `${l}\n`).join("") });
    out["|"] = [];
    out["!"] = [];
  };
  all.forEach((l, i) => {
    const m = /^@@ ([A-Za-z0-9_-]+) status=([0-9]+|missing)$/.exec(l);
    if (m) {
      close();
      current = { argv: [], status: m[2] === "missing" ? "missing" : Number(m[2]), stdout: "", stderr: "" };
      outputs.set(m[1]!, current);
    } else if (l.startsWith("# backend: ")) backend = l.slice("# backend: ".length);
    else if (l.startsWith("#") || l === "") return;
    else if (!current) invalid(file, i + 1, "an output line before the first `@@ <command> status=N` line");
    else if (l.startsWith("$ ")) current.argv = [l.slice(2)];
    else if (l.startsWith("| ") || l === "|" || l.startsWith("! ") || l === "!") out[l[0] as "|" | "!"].push(l.slice(2));
    else invalid(file, i + 1, `unexpected line ${JSON.stringify(l.slice(0, 60))} (output lines start with "| " or "! ")`);
  });
  close();
  if (backend === undefined) invalid(file, 2, "the dump does not say its backend (`# backend: slurm`)");
  return { backend, outputs };
}

/** Reads a dump file (a missing or unreadable file is a located error). */
export function readDump(file: string): { backend: string; outputs: Map<string, CommandOutput> } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new XpmError({ code: Codes.DISCOVERY_DUMP_INVALID, message: `cannot read the dump ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, where: { file: displayPath(file) }, hint: "--from names a file written by `--dump FILE` on the cluster" });
  }
  return parseDump(text, file);
}
