/** The smaller commands: run, status, find-launcher, schema. */
import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { z } from "zod";
import { backends } from "../backends/index.ts";
import { findYaml, loadExperimentModule } from "../load/index.ts";
import { configDir, loadLaunchers } from "../load/launchers.ts";
import { Codes, XpmError, fail } from "../model/diagnostics.ts";
import { ExperimentConfig } from "../model/experiment.ts";
import { explainRefusals } from "../resolve/index.ts";
import { findLauncher } from "../resolve/match.ts";
import { parseRequirement } from "../resolve/requirements.ts";
import { readManifest } from "../model/manifest.ts";
import { experimentStatus } from "../submit/status.ts";
import { displayPath } from "../util/text.ts";
import { last, type Parsed } from "./args.ts";
import { formatHost } from "./format.ts";
import { configOpt, type Out } from "./shared.ts";

export function findLauncherCommand(p: Parsed, out: Out): number {
  const [spec, ...extra] = p.positional;
  if (spec === undefined || extra.length) fail(Codes.USAGE, "find-launcher takes one requirement string", { hint: 'experimaestro find-launcher "duration=4h & cpu(cores=4)"' });
  const loaded = loadLaunchers(configDir(configOpt(p).configDir), backends);
  out(`launchers: ${loaded.file ? displayPath(loaded.file) : "none configured: this machine only (local)"}`);
  const parsed = parseRequirement(spec);
  if (!parsed.ok) throw new XpmError(parsed.error);
  const found = findLauncher(parsed.value, loaded.launchers);
  if ("refusals" in found) {
    out(`no launcher can run "${spec}":`);
    out(explainRefusals(found.refusals, parsed.value.length).replace(/^/gm, "  "));
    return 1;
  }
  const { launcher, alternative, host } = found.match;
  out(`${launcher.id} (${launcher.type})${parsed.value.length > 1 ? `, alternative ${alternative + 1}` : ""}`);
  out(`  ${formatHost(host)}`);
  for (const k of Object.keys(launcher.options).sort()) out(`  ${k}: ${launcher.options[k]}`);
  return 0;
}

/** A JSON Schema of the experiment YAML (experiment keys + the module's Configuration), for editors. */
export async function schemaCommand(p: Parsed, out: Out): Promise<number> {
  const [target, ...extra] = p.positional;
  if (!target || extra.length) fail(Codes.USAGE, "schema takes an experiment YAML or module", { hint: "experimaestro schema my_project/normal > my_project/schema.json" });
  const isModule = /\.(m?ts|m?js)$/.test(target);
  const configuration = await loadExperimentModule(isModule ? resolvePath(target) : findYaml(target, process.cwd()), isModule);
  const base = ExperimentConfig.extend({ imports: z.union([z.string(), z.array(z.string())]).optional() });
  const merged = configuration instanceof z.ZodObject ? base.extend(configuration.shape) : base;
  const json = z.toJSONSchema(merged, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
  const text = `${JSON.stringify({ ...json, title: "experimaestro experiment" }, null, 2)}\n`;
  const output = last(p, "--output");
  if (output === undefined) out(text.trimEnd());
  else {
    writeFileSync(output, text);
    out(`schema written to ${output}; point your editor at it (e.g. \`# yaml-language-server: $schema=${output}\`)`);
  }
  return 0;
}
