/**
 * How an experiment's modules (TypeScript, no build step) are imported: plainly where the
 * process already runs TypeScript (tsx, vitest); bundled by esbuild where the CLI runs compiled
 * (bin/experimaestro.mjs sets it, src/load/user-modules.ts does it), so that commands that
 * import no user module never load esbuild, and those that do pay no module hooks.
 */
import { pathToFileURL } from "node:url";

/** Imports `path`; `group` holds every module of the experiment to be imported in this process (in order), bundled together so they share the modules they both import. */
export type UserModuleImporter = (path: string, group: readonly string[]) => Promise<Record<string, unknown>>;

let importer: UserModuleImporter = async (path) => (await import(pathToFileURL(path).href)) as Record<string, unknown>;

/** Sets how user modules are imported (the compiled CLI). */
export function setUserModuleImporter(fn: UserModuleImporter): void {
  importer = fn;
}

/** Imports one of the experiment's modules (an absolute path); `group`: see UserModuleImporter. */
export function importUserModule(path: string, group: readonly string[] = [path]): Promise<Record<string, unknown>> {
  return importer(path, group);
}
