/**
 * `experimaestro diff <before> <after>`: what changed between two plans, in words (--json for
 * tools). A side is a workspace or golden folder (`DIR`, or `DIR:ID` to pick an experiment),
 * a manifest.json, or an experiment YAML compiled on the fly (nothing written; `-c`,
 * `--pre-yaml` and `--post-yaml` change the compile of `<after>`). Exit status as diff(1):
 * 0 the same, 1 different, 2 an error.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { load } from "../compile.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { diffPlans } from "../plandiff/index.ts";
import { fromFiles, isDirectory, openSource, type PlanSource } from "../plandiff/source.ts";
import { formatSummary } from "../plandiff/summary.ts";
import { emitInMemory } from "../prepare.ts";
import { envOf, last, type Parsed } from "./args.ts";
import { configOpt, host, type Out } from "./shared.ts";

/** Whether a side names an experiment YAML (the suffix optional, as for run-experiment). */
function isYaml(spec: string): boolean {
  const path = resolve(spec);
  if (isDirectory(path)) return false;
  return /\.ya?ml$/.test(spec) || (!existsSync(path) && existsSync(`${path}.yaml`));
}

const LAYERS = ["--conf", "--pre-yaml", "--post-yaml"];

async function sideOf(spec: string, p: Parsed, role: "before" | "after", err: Out): Promise<PlanSource> {
  if (!isYaml(spec)) return openSource(spec, process.cwd(), last(p, "--experiment"));
  const layered = role === "after";
  const loaded = await load(spec, {
    overrides: layered ? (p.flags.get("--conf") ?? []) : [],
    preYaml: layered ? (p.flags.get("--pre-yaml") ?? []) : [],
    postYaml: layered ? (p.flags.get("--post-yaml") ?? []) : [],
    ...configOpt(p),
  });
  // Nothing printed on stdout but the diff: the driver's notes go to stderr.
  const files = await emitInMemory(loaded, { mode: "dry-run", cwd: process.cwd(), env: envOf(p) }, host(err, err));
  return fromFiles(files, spec, loaded.experiment.id);
}

export async function diffCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const [before, after, ...extra] = p.positional;
  if (!before || !after || extra.length) {
    fail(Codes.USAGE, "diff takes two plans: <before> <after>", { hint: "experimaestro diff golden/grid my_project/normal -c epochs=2 (a side: DIR, DIR:ID, a manifest.json or an experiment YAML)" });
  }
  if (LAYERS.some((f) => p.flags.has(f)) && !isYaml(after)) {
    fail(Codes.USAGE, "-c, --pre-yaml and --post-yaml change the compile of <after>, which is not an experiment YAML here", { hint: `give the experiment YAML as <after>, e.g. experimaestro diff ${before} my_project/normal -c key=value` });
  }
  const diff = diffPlans(await sideOf(before, p, "before", err), await sideOf(after, p, "after", err));
  out(p.flags.has("--json") ? JSON.stringify(diff, null, 2) : formatSummary(diff).join("\n"));
  return diff.same ? 0 : 1;
}
