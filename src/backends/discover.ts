/**
 * Shared by the backends' discovery (`experimaestro launchers <key> generate`): reading the
 * usual shapes of scheduler output (`Key=Value` tokens, `Key = Value` lines, `|`-separated
 * tables with a header) and writing the generated launchers.yaml, byte-stable.
 */
import type { CommandOutput, GeneratedLaunchers } from "../model/backend.ts";

/** `Key=Value Key2=Value2` tokens of one line (scontrol -o): the first `=` splits. */
export function keyValueTokens(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) out.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return out;
}

/** `Key = Value` lines (scontrol show config); other lines are left out. */
export function keyValueLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(\S+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** A `|`-separated table whose first line names the columns (sacctmgr -P): one record per row. */
export function pipeTable(text: string): Map<string, string>[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const names = lines[0]!.split("|");
  return lines.slice(1).map((l) => {
    const cells = l.split("|");
    return new Map(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

/** A positive integer, or undefined (`UNLIMITED`, `N/A`, empty, 0). */
export function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** The smallest of the defined numbers, or undefined. */
export function smallest(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

/** Seconds as a launchers.yaml duration in its largest exact unit (`2d`, `36h`, `90m`, `45s`). */
export function yamlDuration(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** A launcher id from a scheduler's name for it (launchers.yaml ids: letters, digits, `.`, `_`, `-`). */
export function launcherId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return id === "" ? "launcher" : id;
}

/** What one command answered, in a header line: `exit 1: <first stderr line>`, `not found`. */
export function outcome(o: CommandOutput | undefined): string {
  if (o === undefined || o.status === "missing") return "not found";
  const first = o.stderr.split("\n").find((l) => l.trim() !== "")?.trim();
  return `exit ${o.status}${first ? `: ${first}` : ""}`;
}

const PLAIN = /^[A-Za-z0-9_./@%+-][A-Za-z0-9_./@%+:=-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)$/i;

function scalar(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = String(v);
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

/** Lines of a mapping at `indent` spaces (keys in insertion order). */
function mapping(obj: Record<string, unknown>, indent: number): string[] {
  const pad = " ".repeat(indent);
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.every((e) => typeof e !== "object")) out.push(`${pad}${k}: [${v.map(scalar).join(", ")}]`);
      else {
        out.push(`${pad}${k}:`);
        for (const e of v) out.push(...mapping(e as Record<string, unknown>, indent + 4).map((l, i) => (i === 0 ? `${pad}  - ${l.trimStart()}` : l)));
      }
    } else if (typeof v === "object" && v !== null) out.push(`${pad}${k}:`, ...mapping(v as Record<string, unknown>, indent + 2));
    else out.push(`${pad}${k}: ${scalar(v)}`);
  }
  return out;
}

/** The launchers.yaml text: header comments, then each launcher with its comments. */
export function renderLaunchers(g: GeneratedLaunchers): string {
  const lines = g.header.map((h) => (h === "" ? "#" : `# ${h}`));
  lines.push("launchers:");
  for (const l of g.launchers) {
    lines.push(...l.comments.map((c) => `  # ${c}`));
    lines.push(...mapping(l.spec, 4).map((line, i) => (i === 0 ? `  - ${line.trimStart()}` : line)));
  }
  return `${lines.join("\n")}\n`;
}
