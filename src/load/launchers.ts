/**
 * launchers.yaml: what each machine, partition or queue offers. Read from the settings folder
 * (`--xpm-config-dir`, else `$XPM_CONFIG_DIR`, else `~/.config/experimaestro`). Without the
 * file, one `local` launcher describes this machine.
 */
import { existsSync } from "node:fs";
import { availableParallelism, homedir, totalmem } from "node:os";
import { join } from "node:path";
import { displayPath } from "../util/text.ts";
import { z, type ZodType } from "zod";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import type { Backends, LauncherBlock } from "../model/backend.ts";
import type { Launcher } from "../model/launchers.ts";
import { parseDuration, parseSize } from "../util/format.ts";
import { EnvSchema } from "./settings.ts";
import { fileLocator, locate, readYaml, zodDiagnostics } from "./yaml.ts";

export { configDir } from "./config-dir.ts";

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

/** What every launcher declares, whatever its backend. */
const LauncherBase = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'"),
  type: z.string(),
  priority: z.int().default(0),
  cores: z.int().positive().optional(),
  memory: size.optional(),
  max_duration: duration.optional(),
  min_gpus: z.int().nonnegative().default(0),
  env: EnvSchema.default({}),
  accelerators: z
    .array(z.object({ type: z.enum(["cuda", "mps"]), memory: size.optional(), count: z.int().positive().default(1) }).strict())
    .default([]),
});

/** A launcher as validated: the common keys, and its backend's block under the backend's key. */
type LauncherSpec = z.infer<typeof LauncherBase> & { [backend: string]: unknown };

/**
 * The schema of launchers.yaml from the backends: `type` is a backend key, and each backend
 * with options has its own block (`slurm: {partition: ...}`), validated by its own schema.
 */
function fileSchema(backends: Backends) {
  const blocks: Record<string, z.ZodOptional<ZodType<LauncherBlock>>> = {};
  for (const b of backends.all()) if (b.options) blocks[b.key] = b.options.optional();
  const type = z.enum(backends.all().map((b) => b.key) as [string, ...string[]]);
  return z.object({ launchers: z.array(LauncherBase.extend({ type, ...blocks }).strict()) }).strict();
}

function toLauncher(s: LauncherSpec): Launcher {
  const block = s[s.type] as LauncherBlock | undefined;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(block ?? {})) if (typeof v === "string") options[k] = v;
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
    extra: block?.extra ?? [],
    killOnInvalidDep: block?.kill_on_invalid_dep !== false,
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

/** Reads `<dir>/launchers.yaml`, typed by the backends; errors name the file, the YAML path and the fix. */
export function loadLaunchers(dir: string, backends: Backends): LoadedLaunchers {
  const file = join(dir, "launchers.yaml");
  if (!existsSync(file)) return { file: undefined, launchers: [localLauncher()] };
  const src = readYaml(file, displayPath(file));
  const schema = fileSchema(backends);
  const parsed = schema.safeParse(src.doc.toJS() ?? {});
  if (!parsed.success) throw new XpmError(zodDiagnostics(fileLocator(src), parsed.error, schema, Codes.LAUNCHERS_INVALID));
  const problems: Diagnostic[] = [];
  const seen = new Map<string, number>();
  const specs = parsed.data.launchers as LauncherSpec[];
  specs.forEach((l, i) => {
    const first = seen.get(l.id);
    if (first !== undefined) {
      problems.push({
        code: Codes.LAUNCHERS_INVALID,
        message: `duplicate launcher id '${l.id}' (also launchers.${first})`,
        where: locate(src, ["launchers", i, "id"]),
        hint: "give every launcher its own id",
      });
    } else seen.set(l.id, i);
    for (const b of backends.all()) {
      if (l[b.key] === undefined || l.type === b.key) continue;
      problems.push({ code: Codes.LAUNCHERS_INVALID, message: `launcher '${l.id}' has ${b.key} options but type ${l.type}`, where: locate(src, ["launchers", i, b.key]), hint: `set type: ${b.key}, or remove the ${b.key} block` });
    }
  });
  if (problems.length) throw new XpmError(problems);
  return { file, launchers: specs.map(toLauncher) };
}
