/**
 * `experimaestro graph`: the DAG of an experiment as Graphviz DOT, Mermaid or SVG (src/view),
 * each job coloured by its state. Two sources: a prepared experiment (`graph <ws> <id>`: the
 * manifest, states as `status` reads them) or an experiment YAML (`graph <yaml>`: compiled as a
 * dry run, nothing written, states from the disk of the chosen workspace).
 */
import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { backends } from "../backends/index.ts";
import { load } from "../compile.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { readManifest, type Manifest } from "../model/manifest.ts";
import { diskStates, stateLabel } from "../model/state.ts";
import { prepareExperiment, workspaceFor } from "../prepare.ts";
import { experimentStatus } from "../submit/status.ts";
import { toDot, toMermaid, toSvg, type CollapseMode, type GraphJob } from "../view/index.ts";
import { envOf, last, type Parsed } from "./args.ts";
import { configOpt, host, type Out } from "./shared.ts";

const FORMATS = ["dot", "mermaid", "svg"] as const;
type Format = (typeof FORMATS)[number];

/** The jobs of a prepared experiment as the graph draws them: states as `status` reads them. */
export function manifestGraphJobs(workspace: string, manifest: Manifest): GraphJob[] {
  const states = new Map(experimentStatus(workspace, manifest, backends).map((r) => [r.key, r]));
  return manifest.jobs.map((j) => {
    const s = states.get(j.key)!;
    const detail = [s.detail ? stateLabel(s) : "", s.schedulerId ? `${j.backend} ${s.schedulerId}` : ""].filter(Boolean).join(" · ");
    return { key: j.key, task: j.task, hash: j.hash, deps: j.deps, tags: j.tags, state: s.state, ...(detail ? { detail } : {}) };
  });
}

/** The jobs of an experiment YAML, compiled as a dry run (nothing written). */
async function yamlGraphJobs(p: Parsed, yaml: string, err: Out): Promise<{ id: string; jobs: GraphJob[] }> {
  const loaded = await load(yaml, { overrides: p.flags.get("--conf") ?? [], preYaml: p.flags.get("--pre-yaml") ?? [], postYaml: p.flags.get("--post-yaml") ?? [], ...configOpt(p) });
  const h = host(err, err);
  const request = { mode: "dry-run" as const, workspace: last(p, "--workspace"), workdir: last(p, "--workdir"), cwd: process.cwd(), env: envOf(p) };
  const outcome = await prepareExperiment(loaded, workspaceFor(loaded, request, h), request, h);
  if (outcome.kind !== "dry-run") throw new Error("internal: a dry run wrote files");
  const stateOf = diskStates(outcome.workspace);
  const jobs = outcome.plan.jobs.map((j) => ({ key: j.key, task: j.taskId, hash: j.hash, deps: j.deps, tags: j.tags, state: stateOf(j).state }));
  return { id: loaded.experiment.id, jobs };
}

function formatOf(p: Parsed): Format {
  const f = last(p, "--format") ?? "dot";
  if (!(FORMATS as readonly string[]).includes(f)) fail(Codes.USAGE, `--format ${f}: not a graph format`, { hint: `one of ${FORMATS.join(", ")}` });
  return f as Format;
}

function collapseOf(p: Parsed): CollapseMode {
  const c = last(p, "--collapse") ?? "auto";
  if (c !== "auto" && c !== "always" && c !== "never") fail(Codes.USAGE, `--collapse ${c}: expected auto, always or never`, { hint: "auto (the default) groups same-task jobs above 50 jobs" });
  return c as CollapseMode;
}

export async function graphCommand(p: Parsed, out: Out, err: Out): Promise<number> {
  const format = formatOf(p);
  const collapse = collapseOf(p);
  const [first, second, ...extra] = p.positional;
  if (!first || extra.length) fail(Codes.USAGE, "graph takes a workspace and an experiment id, or an experiment YAML", { hint: "experimaestro graph ./workspace my-experiment --format svg -o plan.svg" });
  const { id, jobs } = second !== undefined ? { id: second, jobs: manifestGraphJobs(resolvePath(first), readManifest(resolvePath(first), second)) } : await yamlGraphJobs(p, first, err);
  const options = { collapse, title: `${id}: ${jobs.length} jobs` };
  const text = format === "dot" ? toDot(jobs, options) : format === "mermaid" ? toMermaid(jobs, options) : toSvg(jobs, options);
  const output = last(p, "--output");
  if (output === undefined) out(text.trimEnd());
  else {
    writeFileSync(output, text.endsWith("\n") ? text : `${text}\n`);
    err(`graph of ${id} (${jobs.length} jobs, ${format}) written to ${output}`);
  }
  return 0;
}
