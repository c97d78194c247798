/**
 * launchers.yaml: what each machine, partition or queue offers. Read from the settings folder
 * (`--xpm-config-dir`, else `$XPM_CONFIG_DIR`, else `~/.config/experimaestro`). Without the
 * file, one `local` launcher describes this machine.
 */
import { existsSync } from "node:fs";
import { availableParallelism, homedir, totalmem } from "node:os";
import { join } from "node:path";
import { displayPath } from "../util/text.ts";
import { z } from "zod";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { Launcher } from "../model/launchers.ts";
import { parseDuration, parseSize } from "../util/format.ts";
import { EnvSchema } from "./settings.ts";
import { fileLocator, locate, readYaml, zodDiagnostics } from "./yaml.ts";

/** The settings folder, by precedence: explicit flag, environment, default. */
export function configDir(explicit?: string): string {
  return explicit ?? process.env.XPM_CONFIG_DIR ?? join(homedir(), ".config", "experimaestro");
}

const withUnit = (parse: (s: string) => number | undefined, example: string, what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const parsed = typeof v === "string" ? parse(v) : undefined;
    if (parsed === undefined) {
      ctx.addIssue({ code: "custom", message: `${what} needs a unit: write e.g. ${example}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return parsed;
  });

const size = withUnit(parseSize, "16GiB or 500M", "a size");
const duration = withUnit(parseDuration, "24h or 2d", "a duration");
// Values become scheduler directive lines: a line break would add a line to the job script.
const oneLine = z.string().min(1).regex(/^[^\n\r]*$/, "must fit on one line");
const optionalString = oneLine.optional();

const LauncherSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'"),
    type: z.enum(["local", "slurm", "oar"]),
    priority: z.int().default(0),
    cores: z.int().positive().optional(),
    memory: size.optional(),
    max_duration: duration.optional(),
    min_gpus: z.int().nonnegative().default(0),
    env: EnvSchema.default({}),
    accelerators: z
      .array(z.object({ type: z.enum(["cuda", "mps"]), memory: size.optional(), count: z.int().positive().default(1) }).strict())
      .default([]),
    slurm: z
      .object({
        partition: optionalString,
        account: optionalString,
        qos: optionalString,
        constraint: optionalString,
        extra: z.array(oneLine).default([]),
        kill_on_invalid_dep: z.boolean().default(true),
      })
      .strict()
      .optional(),
    oar: z.object({ queue: optionalString, project: optionalString, properties: optionalString, extra: z.array(oneLine).default([]) }).strict().optional(),
  })
  .strict();

const FileSchema = z.object({ launchers: z.array(LauncherSchema) }).strict();

type LauncherSpec = z.infer<typeof LauncherSchema>;

function toLauncher(s: LauncherSpec): Launcher {
  const backend = s.type === "slurm" ? s.slurm : s.type === "oar" ? s.oar : undefined;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(backend ?? {})) if (typeof v === "string") options[k] = v;
  return {
    id: s.id,
    type: s.type,
    priority: s.priority,
    cores: s.cores,
    memory: s.memory,
    accelerators: s.accelerators.map((a) => ({ type: a.type, memory: a.memory, count: a.count })),
    maxDuration: s.max_duration,
    minGpus: s.min_gpus,
    options,
    extra: backend?.extra ?? [],
    killOnInvalidDep: s.slurm?.kill_on_invalid_dep ?? true,
    env: s.env,
  };
}

/** The launcher used when there is no launchers.yaml: this machine, as detected. */
export function localLauncher(): Launcher {
  return {
    id: "local",
    type: "local",
    priority: 0,
    cores: availableParallelism(),
    memory: totalmem(),
    accelerators: [],
    maxDuration: undefined,
    minGpus: 0,
    options: {},
    extra: [],
    killOnInvalidDep: true,
    env: {},
  };
}

export interface LoadedLaunchers {
  file: string | undefined;
  launchers: Launcher[];
}

/** Reads `<dir>/launchers.yaml`; errors name the file, the YAML path and the fix. */
export function loadLaunchers(dir: string): LoadedLaunchers {
  const file = join(dir, "launchers.yaml");
  if (!existsSync(file)) return { file: undefined, launchers: [localLauncher()] };
  const src = readYaml(file, displayPath(file));
  const parsed = FileSchema.safeParse(src.doc.toJS() ?? {});
  if (!parsed.success) throw new XpmError(zodDiagnostics(fileLocator(src), parsed.error, FileSchema, Codes.LAUNCHERS_INVALID));
  const problems: Diagnostic[] = [];
  const seen = new Map<string, number>();
  parsed.data.launchers.forEach((l, i) => {
    const first = seen.get(l.id);
    if (first !== undefined) {
      problems.push({
        code: Codes.LAUNCHERS_INVALID,
        message: `duplicate launcher id '${l.id}' (also launchers.${first})`,
        where: locate(src, ["launchers", i, "id"]),
        hint: "give every launcher its own id",
      });
    } else seen.set(l.id, i);
    if (l.slurm && l.type !== "slurm") problems.push({ code: Codes.LAUNCHERS_INVALID, message: `launcher '${l.id}' has slurm options but type ${l.type}`, where: locate(src, ["launchers", i, "slurm"]), hint: "set type: slurm, or remove the slurm block" });
    if (l.oar && l.type !== "oar") problems.push({ code: Codes.LAUNCHERS_INVALID, message: `launcher '${l.id}' has oar options but type ${l.type}`, where: locate(src, ["launchers", i, "oar"]), hint: "set type: oar, or remove the oar block" });
  });
  if (problems.length) throw new XpmError(problems);
  return { file, launchers: parsed.data.launchers.map(toLauncher) };
}
