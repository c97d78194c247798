/** What differs between two matched jobs: params, resources and launcher, command, script. */
import type { ManifestJob } from "../model/manifest.ts";
import { ownTags } from "./match.ts";
import { diffValues, wordsChange, type ValueChange } from "./values.ts";
import { Renamer } from "./rename.ts";
import type { PlanSource } from "./source.ts";

/** A side's jobs with their params.json read once, on demand. */
export class SideJobs {
  readonly byKey: Map<string, ManifestJob>;
  private readonly documents = new Map<string, Record<string, unknown> | undefined>();
  private readonly params = new Map<string, Record<string, unknown> | undefined>();
  private readonly hashes: Set<string>;

  constructor(readonly source: PlanSource) {
    this.byKey = new Map(source.manifest.jobs.map((j) => [j.key, j]));
    this.hashes = new Set(source.manifest.jobs.map((j) => j.hash));
  }

  /** A sub-config that is a job of this plan (a submitted task used as a param) becomes a reference to it: its own params are its own job's business. */
  private references(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.references(x));
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$id === "string" && this.hashes.has(o.$id)) return `<job ${String(o.$type)} ${o.$id}>`;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, this.references(x)]));
  }

  get jobs(): readonly ManifestJob[] {
    return this.source.manifest.jobs;
  }

  /** A job's params.json `params`, as written (undefined when this side has no job files). */
  document(job: ManifestJob): Record<string, unknown> | undefined {
    if (!this.documents.has(job.key)) {
      const text = this.source.hasJobFiles ? this.source.read(`${job.dir}/params.json`) : undefined;
      let doc: Record<string, unknown> | undefined;
      try {
        doc = text === undefined ? undefined : JSON.parse(text.toString()).params;
      } catch {
        doc = undefined;
      }
      this.documents.set(job.key, doc);
    }
    return this.documents.get(job.key);
  }

  /** The params to compare: the document with the jobs it uses as references. */
  paramsOf(job: ManifestJob): Record<string, unknown> | undefined {
    if (!this.params.has(job.key)) {
      const doc = this.document(job);
      this.params.set(job.key, doc && Object.fromEntries(Object.entries(doc).map(([k, x]) => [k, k === "$id" ? x : this.references(x)])));
    }
    return this.params.get(job.key);
  }

  script(job: ManifestJob): string | undefined {
    return this.source.hasJobFiles ? this.source.read(job.script)?.toString() : undefined;
  }
}

/** Renames nothing: the new side's values only lose their `$id` keys. */
const NONE = new Renamer();

const masked = (v: unknown) => JSON.stringify(v)?.replace(/[0-9a-f]{16,64}/g, "#");

/** How alike two jobs are before any matching: equal params (identifiers masked), else equal command words. */
export function similarity(before: SideJobs, after: SideJobs) {
  return (a: ManifestJob, b: ManifestJob): number => {
    const pa = before.paramsOf(a);
    const pb = after.paramsOf(b);
    if (pa && pb) return Object.keys(pb).filter((k) => k !== "$id" && masked(pa[k]) === masked(pb[k])).length;
    return b.command.filter((w, i) => masked(w) === masked(a.command[i])).length;
  };
}

/** Resources, launcher and retries: they shape the script, never the identifier. */
export function resourceChanges(a: ManifestJob, b: ManifestJob): ValueChange[] {
  const out: ValueChange[] = [];
  const field = (path: string, x: unknown, y: unknown) => diffValues(x ?? undefined, y ?? undefined, path, out);
  field("launcher", a.launcher, b.launcher);
  field("backend", a.backend, b.backend);
  const [ra, rb] = [a.resources, b.resources];
  field("cpus", ra.cpus, rb.cpus);
  field("memory", ra.memory, rb.memory);
  field("duration", ra.duration, rb.duration);
  field("gpus", ra.gpus, rb.gpus);
  for (const k of [...new Set([...Object.keys(ra.options), ...Object.keys(rb.options)])].sort()) field(k, ra.options[k], rb.options[k]);
  if (JSON.stringify(ra.extra) !== JSON.stringify(rb.extra)) out.push({ path: "extra", before: ra.extra, after: rb.extra });
  field("retries", a.retry?.max, b.retry?.max);
  field("retry factor", a.retry?.durationFactor, b.retry?.durationFactor);
  // The requirement string matters only when what it resolved to did not change.
  if (!out.length) field("requirements", a.requirements, b.requirements);
  return out;
}

/** Params that differ once the old side's identifiers are renamed (undefined: a side has no params.json). */
export function paramChanges(before: SideJobs, after: SideJobs, a: ManifestJob, b: ManifestJob, renamer: Renamer): ValueChange[] | undefined {
  const pa = before.paramsOf(a);
  const pb = after.paramsOf(b);
  if (!pa || !pb) return undefined;
  const strip = ({ $type: _t, ...rest }: Record<string, unknown>) => rest;
  return diffValues(renamer.value(strip(pa)), NONE.value(strip(pb)));
}

export function commandChange(a: ManifestJob, b: ManifestJob, renamer: Renamer): ValueChange | undefined {
  return wordsChange(
    a.command.map((w) => renamer.text(w)),
    b.command,
  );
}

/** Changes of the tags a job sets itself (inherited ones follow its parents). */
export function tagChanges(before: SideJobs, after: SideJobs, a: ManifestJob, b: ManifestJob): ValueChange[] {
  return diffValues(Object.fromEntries(ownTags(a, before.byKey)), Object.fromEntries(ownTags(b, after.byKey)), "tags");
}

/**
 * The identifiers of the sub-configs two matched jobs hold at the same place (a task output
 * carries its producer's identifier in its own): renamed like job identifiers, so that files
 * that only repeat them read as renamed.
 */
export function renameConfigs(a: unknown, b: unknown, renamer: Renamer): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === b.length) a.forEach((x, i) => renameConfigs(x, b[i], renamer));
    return;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return;
  const [oa, ob] = [a as Record<string, unknown>, b as Record<string, unknown>];
  if (oa.$type !== ob.$type) return;
  if (typeof oa.$id === "string" && typeof ob.$id === "string") renamer.config(oa.$id, ob.$id);
  for (const k of Object.keys(oa)) if (k !== "$id" && Object.hasOwn(ob, k)) renameConfigs(oa[k], ob[k], renamer);
}
