/** A small argument parser: options with values (repeatable), boolean flags, positionals. */
import { Codes, fail } from "../model/diagnostics.ts";

export interface Parsed {
  positional: string[];
  /** Canonical option name -> every value given, in order. */
  flags: Map<string, string[]>;
}

/** Option spellings -> canonical name and how many values it takes. */
const OPTIONS = new Map<string, [string, number]>([
  ["--run-mode", ["--run-mode", 1]],
  ["--workdir", ["--workdir", 1]],
  ["--workspace", ["--workspace", 1]],
  ["-c", ["--conf", 1]],
  ["--conf", ["--conf", 1]],
  ["--pre-yaml", ["--pre-yaml", 1]],
  ["--post-yaml", ["--post-yaml", 1]],
  ["--env", ["--env", 2]],
  ["-j", ["--parallel", 1]],
  ["--parallel", ["--parallel", 1]],
  ["--xpm-config-dir", ["--xpm-config-dir", 1]],
  ["--golden", ["--golden", 1]],
  ["--against", ["--against", 1]],
  ["--experiment", ["--experiment", 1]],
  ["-o", ["--output", 1]],
  ["--output", ["--output", 1]],
  ["--experiment", ["--experiment", 1]],
  ["--filter", ["--filter", 1]],
  ["--count", ["--count", 1]],
  ["--format", ["--format", 1]],
  ["--collapse", ["--collapse", 1]],
  ["--answer", ["--answer", 1]],
  ["--interval", ["--interval", 1]],
  ["--sort", ["--sort", 1]],
  ["--xpm-ts", ["--xpm-ts", 1]],
  ["--name", ["--name", 1]],
  ["--dump", ["--dump", 1]],
  ["--from", ["--from", 1]],
]);
const BOOLEAN = new Set(["--help", "-h", "--version", "--json", "--show", "--update-golden", "--full", "--fail-fast", "--keep-going", "--tags", "--fullpath", "--perform", "--force", "--std", "--follow", "-f", "--watch", "--keep-services", "--report", "--no-services"]);

export function parseArgs(argv: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const option = OPTIONS.get(name);
    if (option) {
      const [canonical, count] = option;
      const values = eq > 0 && count === 1 ? [arg.slice(eq + 1)] : argv.slice(i + 1, i + 1 + count);
      if (values.length < count) fail(Codes.USAGE, `${name} needs ${count === 1 ? "a value" : `${count} values`}`, { hint: "see experimaestro --help" });
      if (!(eq > 0 && count === 1)) i += count;
      out.flags.set(canonical, [...(out.flags.get(canonical) ?? []), ...values]);
    } else if (BOOLEAN.has(arg)) {
      out.flags.set(arg === "-h" ? "--help" : arg === "-f" ? "--follow" : arg, ["true"]);
    } else if (arg.startsWith("-") && arg !== "-") {
      fail(Codes.USAGE, `unknown option ${arg}`, { hint: "see experimaestro --help" });
    } else out.positional.push(arg);
  }
  return out;
}

/** The last value of an option (later wins). */
export function last(p: Parsed, flag: string): string | undefined {
  const v = p.flags.get(flag);
  return v?.[v.length - 1];
}

export function parallelOf(p: Parsed): number | undefined {
  const v = last(p, "--parallel");
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(Codes.USAGE, `--parallel expects a positive integer, got '${v}'`, { hint: "for example -j 4" });
  return n;
}

/** `--env KEY VALUE` pairs, checked. */
export function envOf(p: Parsed): [string, string][] {
  const flat = p.flags.get("--env") ?? [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const key = flat[i]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(Codes.USAGE, `--env: '${key}' is not an environment variable name`, { hint: "--env NAME VALUE, e.g. --env OMP_NUM_THREADS 4" });
    pairs.push([key, flat[i + 1]!]);
  }
  return pairs;
}
