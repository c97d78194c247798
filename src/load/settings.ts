/**
 * settings.yaml (experimaestro's): workspaces with `id`, `path`, `triggers` (globs on the
 * experiment id) and `env`, plus a global `env`. The workspace is chosen by `--workspace`, then
 * `--workdir`, then the first trigger that matches, then the first workspace, else ./workspace;
 * the choice and its reason are reported.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { Codes, XpmError, fail, type Diagnostic } from "../model/diagnostics.ts";
import { didYouMean, displayPath } from "../util/text.ts";
import { fileLocator, readYaml, zodDiagnostics } from "./yaml.ts";

/** An environment block (`env:` of launchers, workspaces and settings): names checked, values as strings. */
export const EnvSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const SettingsSchema = z
  .object({
    workspaces: z
      .array(
        z
          .object({
            id: z.string().min(1),
            path: z.string().min(1),
            triggers: z.array(z.string()).default([]),
            env: EnvSchema.default({}),
          })
          .strict(),
      )
      .default([]),
    env: EnvSchema.default({}),
  })
  .strict();

export interface WorkspaceSettings {
  id: string;
  path: string;
  triggers: string[];
  env: Record<string, string>;
}

export interface Settings {
  file: string | undefined;
  workspaces: WorkspaceSettings[];
  env: Record<string, string>;
}

/** Reads `<dir>/settings.yaml`; none is fine (no workspaces, no env). */
export function loadSettings(dir: string): Settings {
  const file = join(dir, "settings.yaml");
  if (!existsSync(file)) return { file: undefined, workspaces: [], env: {} };
  const src = readYaml(file, displayPath(file));
  const parsed = SettingsSchema.safeParse(src.doc.toJS() ?? {});
  if (!parsed.success) throw new XpmError(zodDiagnostics(fileLocator(src), parsed.error, SettingsSchema, Codes.SETTINGS_INVALID));
  const home = homedir();
  const workspaces = parsed.data.workspaces.map((w) => ({ ...w, path: resolve(dir, w.path.replace(/^~(?=$|\/)/, home)) }));
  return { file, workspaces, env: parsed.data.env };
}

/** A glob on experiment ids: `*` any run, `?` one character, `[...]` a class. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export interface ChosenWorkspace {
  path: string;
  /** The settings entry, when one was chosen. */
  settings: WorkspaceSettings | undefined;
  /** Why this one, for the user. */
  reason: string;
  warnings: Diagnostic[];
}

/** Picks the workspace for an experiment, by the rules above. */
export function chooseWorkspace(settings: Settings, experimentId: string, opts: { workspace?: string; workdir?: string; cwd: string }): ChosenWorkspace {
  const ws = settings.workspaces;
  if (opts.workspace !== undefined) {
    const found = ws.find((w) => w.id === opts.workspace);
    if (!found) {
      const guess = didYouMean(opts.workspace, ws.map((w) => w.id));
      fail(Codes.WORKSPACE_UNKNOWN, `no workspace '${opts.workspace}' in the settings`, {
        where: { file: settings.file ?? "(no settings.yaml)" },
        hint: guess ? `did you mean '${guess}'?` : ws.length ? `declared workspaces: ${ws.map((w) => w.id).join(", ")}` : "declare it under `workspaces:` in settings.yaml, or use --workdir DIR",
      });
    }
    return { path: found.path, settings: found, reason: `--workspace ${found.id}`, warnings: [] };
  }
  if (opts.workdir !== undefined) {
    const path = resolve(opts.cwd, opts.workdir);
    return { path, settings: ws.find((w) => w.path === path), reason: "--workdir", warnings: [] };
  }
  for (const w of ws) {
    const trigger = w.triggers.find((t) => globToRegExp(t).test(experimentId));
    if (trigger) return { path: w.path, settings: w, reason: `workspace '${w.id}': trigger '${trigger}' matches '${experimentId}'`, warnings: [] };
  }
  const first = ws[0];
  if (first) {
    const warnings: Diagnostic[] = ws.some((w) => w.triggers.length)
      ? [
          {
            code: Codes.NO_TRIGGER_MATCH,
            severity: "warning",
            message: `no workspace trigger matches the experiment id '${experimentId}'; using the first workspace '${first.id}'`,
            where: { file: settings.file! },
            hint: `add a trigger such as '${experimentId.split(/[-_.]/)[0]}*' to a workspace, or choose with --workspace / --workdir`,
          },
        ]
      : [];
    return { path: first.path, settings: first, reason: `workspace '${first.id}': the first in the settings`, warnings };
  }
  return { path: resolve(opts.cwd, "workspace"), settings: undefined, reason: "default: no --workdir and no workspace in the settings", warnings: [] };
}
