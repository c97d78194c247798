/**
 * Checks of declarations and values that name the mistake and its fix, where a generic check
 * would only say that something is wrong: a lightweight task that runs nothing, a project file
 * given to a path param.
 */
import { basename } from "node:path";
import { Asset } from "./config.ts";
import { Codes, XpmError, type Diagnostic } from "./diagnostics.ts";
import type { ValueType } from "./types.ts";
import { displayPath } from "../util/text.ts";

/**
 * A lightweight task runs in its task's job, before the task, and does nothing else: declared
 * without code, it would be an empty step that silently does nothing. `code` is the task options
 * (`command`, or `execute`), undefined for `defineConfig`.
 */
export function checkLightweight(id: string, kind: string, code: { command?: unknown; execute?: unknown } | undefined): void {
  if (kind !== "lightweight" || code?.command !== undefined || code?.execute !== undefined) return;
  throw new XpmError({
    code: Codes.LIGHTWEIGHT_NO_CODE,
    message: `${id} is declared lightweight but has no command: as an init task it would run nothing`,
    where: { path: id },
    hint: code
      ? "give it the code to run before the task: `command: (p) => [...]` in defineTask(id, params, { lightweight: true, command })"
      : "declare it with defineTask(id, params, { lightweight: true, command: (p) => [...] }): defineConfig has no code to run",
  });
}

/** The project file an `asset(...)` (or a `file:` URL) designates, if `value` is one. */
function projectFile(value: unknown): { file: string; asset: boolean } | undefined {
  if (value instanceof URL) return { file: decodeURIComponent(value.pathname), asset: false };
  if (value instanceof Asset) return { file: value.member === undefined ? value.source : `${value.source}/${value.member}`, asset: true };
  return undefined;
}

/**
 * A project file given to a path param: a path param names a file where the job runs (another
 * job's output, or a path that machine sees), so the workspace does not carry it. The problem,
 * with how to ship the file, or undefined when `value` is something else.
 */
export function projectFileInPath(typeId: string, name: string, t: ValueType, value: unknown): Diagnostic | undefined {
  const inner = t.kind === "optional" ? t.inner : t;
  const found = inner.kind === "path" ? projectFile(value) : undefined;
  if (!found) return undefined;
  const what = found.asset ? `the project file ${displayPath(found.file)} (an asset)` : `the URL ${(value as URL).href}`;
  return {
    code: Codes.PATH_PROJECT_FILE,
    message: `${typeId}: param '${name}' is a path and got ${what}; a path param names a file where the job runs, it does not ship project files`,
    where: { path: `${typeId}.${name}` },
    hint:
      `to ship the file with the workspace (under assets/), name it in the command: ` +
      `\`command: (p) => [..., asset(new URL("./${basename(found.file)}", import.meta.url))]\` (for a folder, \`asset(new URL("./dir/", import.meta.url)).file("name")\`); ` +
      "for a file every machine running the job can read, give its absolute path as a string (`fileURLToPath(url)` from node:url)",
  };
}
