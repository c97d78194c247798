/**
 * `experimaestro launchers <slurm|oar> generate [--output FILE] [--dump FILE] [--from FILE] [--force]`:
 * a launchers.yaml from what the cluster says about itself (the backend's discovery commands),
 * here or from a dump made on the cluster.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { backends } from "../backends/index.ts";
import { renderLaunchers } from "../backends/discover.ts";
import { parseDump, readDump, renderDump, runDiscovery } from "../load/discovery.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import type { CommandOutput, Discovery } from "../model/backend.ts";
import { displayPath } from "../util/text.ts";
import { last, type Parsed } from "./args.ts";
import type { Out } from "./shared.ts";

const USAGE = "experimaestro launchers slurm|oar generate [--output FILE] [--dump FILE] [--from FILE] [--force]";

function discoveryOf(key: string | undefined): Discovery {
  const known = backends.all().filter((b) => b.discovery).map((b) => b.key);
  const b = key === undefined ? undefined : backends.all().find((x) => x.key === key);
  if (!b?.discovery) fail(Codes.DISCOVERY_UNSUPPORTED, key === undefined ? "launchers needs a scheduler" : `launchers cannot be generated for '${key}'`, { hint: `schedulers that can: ${known.join(", ")} (${USAGE})` });
  return b.discovery;
}

/** The outputs: from the dump, or run here (and dumped when asked). */
function outputsOf(p: Parsed, key: string, d: Discovery, err: Out): Map<string, CommandOutput> {
  const from = last(p, "--from");
  if (from !== undefined) {
    const dump = readDump(from);
    if (dump.backend !== key) fail(Codes.DISCOVERY_DUMP_INVALID, `${displayPath(from)} is a ${dump.backend} dump, not a ${key} one`, { where: { file: displayPath(from), line: 2 }, hint: `experimaestro launchers ${dump.backend} generate --from ${from}` });
    return dump.outputs;
  }
  const text = renderDump(key, runDiscovery(d));
  const dumpFile = last(p, "--dump");
  if (dumpFile !== undefined) {
    writeFileSync(dumpFile, text);
    err(`cluster dump written to ${dumpFile}: \`experimaestro launchers ${key} generate --from ${dumpFile}\` generates from it anywhere`);
  }
  return parseDump(text, dumpFile ?? "(outputs)").outputs;
}

function write(file: string, text: string, force: boolean, err: Out): void {
  if (existsSync(file)) {
    if (readFileSync(file, "utf8") === text) {
      err(`${file} is unchanged`);
      return;
    }
    if (!force) fail(Codes.USAGE, `${file} exists and differs from what would be written`, { hint: "compare it with the output on stdout (no --output), or add --force to replace it" });
  }
  writeFileSync(file, text);
  err(`launchers written to ${file}; \`experimaestro find-launcher --xpm-config-dir DIR "<requirements>"\` checks them (DIR: the folder of launchers.yaml)`);
}

export function launchersCommand(p: Parsed, out: Out, err: Out): number {
  const [key, action, ...extra] = p.positional;
  if (action !== "generate" || extra.length) fail(Codes.USAGE, "launchers takes a scheduler and `generate`", { hint: USAGE });
  const d = discoveryOf(key);
  const generated = d.generate(outputsOf(p, key!, d, err));
  const text = renderLaunchers(generated);
  for (const h of generated.header) if (h.startsWith("not read:") || h.startsWith("Without") || h.startsWith("left out")) err(h);
  const output = last(p, "--output");
  if (output === undefined) out(text.trimEnd());
  else write(output, text, p.flags.has("--force"), err);
  return 0;
}
